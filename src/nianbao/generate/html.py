"""Render a Report as an HTML page in the official layout (tables with rowspan/colspan).

`render_html(report)` gives a clean standalone page (agency staff can paste it into
their site's editor). With `site_chrome=True` the report sits inside the kind of
page government portals serve (navigation, breadcrumb, scripts, styles, footer),
which is how reviewers usually meet it; `charset` picks the encoding declared in
<meta charset> and used for the bytes (e.g. "gbk", as many older portals do).
"""
from __future__ import annotations

from html import escape

from ..model import Report
from .layout import Block, Grid, report_blocks, report_title

_STYLE = """
body{font-family:"FangSong","仿宋",serif;max-width:60em;margin:2em auto;line-height:1.8}
h1{text-align:center;font-size:1.6em} h2{font-size:1.2em}
p.para{text-indent:2em} p.sign{text-align:right}
table{border-collapse:collapse;margin:1em auto} td,th{border:1px solid #000;padding:2px 6px;text-align:center}
"""

_CHROME_HEAD = """<div id="header" class="header"><div class="logo"><a href="/">{site}</a></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/zjxx/">走进{short}</a></li></ul>
<form class="search" action="/search"><input name="q" placeholder="请输入关键词"><button>搜索</button></form></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/ndbg/">政府信息公开年报</a></div>
<div class="main"><div class="sidebar"><h3>政府信息公开</h3><ul><li><a href="/zwgk/zn/">政府信息公开指南</a></li>
<li><a href="/zwgk/zd/">政府信息公开制度</a></li><li><a href="/zwgk/ndbg/">政府信息公开年报</a></li>
<li><a href="/zwgk/fdzdgknr/">法定主动公开内容</a></li></ul></div>
<div class="article"><div class="article-info">发布时间：{published}&nbsp;&nbsp;来源：{site}&nbsp;&nbsp;浏览次数：<span id="hits">128</span>
&nbsp;&nbsp;【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>
"""
_CHROME_FOOT = """<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">打印本页</a> <a href="#">关闭窗口</a></div>
</div></div>
<div id="footer" class="footer"><p>主办单位：{site}&nbsp;&nbsp;承办单位：{site}办公室</p>
<p>网站标识码：6403000001&nbsp;&nbsp;ICP备案号：宁ICP备05001234号&nbsp;&nbsp;公安机关备案号：64030202000123</p>
<p>联系电话：0953-1234567&nbsp;&nbsp;地址：{site}大院</p></div>
<script type="text/javascript">var _hits=document.getElementById("hits");/* 一、总体情况 在脚本里的文字不是正文 */</script>
"""


def _table_html(grid: Grid) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="0" style="width:100%;border-collapse:collapse">']
    for row in grid.rows:
        cells = []
        for c in row:
            attrs = ""
            if c.rowspan > 1:
                attrs += f' rowspan="{c.rowspan}"'
            if c.colspan > 1:
                attrs += f' colspan="{c.colspan}"'
            text = escape(c.text) if c.text else "&nbsp;"
            inner = f"<b>{text}</b>" if c.header else f'<span style="font-size:10.5pt">{text}</span>'
            cells.append(f'<td{attrs} valign="middle"><p style="text-align:center">{inner}</p></td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _block_html(b: Block) -> str:
    if b.kind == "table":
        return _table_html(b.grid)
    if b.kind == "title":
        return f"<h1>{escape(b.text)}</h1>"
    if b.kind == "heading":
        return f"<h2>{escape(b.text)}</h2>"
    return f'<p class="{b.kind}">{escape(b.text)}</p>'


def render_html(report: Report, *, site_chrome: bool = False, charset: str = "utf-8") -> bytes:
    title = escape(report_title(report))
    body = "\n".join(_block_html(b) for b in report_blocks(report))
    if site_chrome:
        site = escape(report.meta.agency or "人民政府")
        pub = report.meta.published.isoformat() if report.meta.published else ""
        body = (_CHROME_HEAD.format(site=site, short=site[:4], published=pub)
                + f'<div class="article-content" id="zoom">\n{body}\n</div>\n'
                + _CHROME_FOOT.format(site=site))
    page = (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="{charset}">\n'
            f"<title>{title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")
    return page.encode("gb18030" if charset.lower() in ("gbk", "gb2312", "gb18030") else charset)
