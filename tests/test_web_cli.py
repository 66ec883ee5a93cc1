"""`nianbao user add` / `user list`: accounts for the web UI, passwords hashed."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.store import open_store
from nianbao.web.auth import User, authenticate
from sqlalchemy import select
from sqlalchemy.orm import Session

runner = CliRunner()


def test_user_add_reads_the_password_from_stdin_and_stores_only_a_hash(tmp_path):
    db = f"sqlite:///{tmp_path}/s.db"
    r = runner.invoke(app, ["user", "add", "张三", "--db", db, "--password-stdin", "--json"],
                      input="a long password\n")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {"user": "张三", "created": True}
    with open_store(db) as store:
        with Session(store.engine) as s:
            user = s.scalar(select(User).where(User.name == "张三"))
        assert "a long password" not in user.password_hash and user.password_hash.startswith("scrypt$")
        assert authenticate(store.engine, "张三", "a long password") is not None
        assert authenticate(store.engine, "张三", "a wrong password") is None
    listed = json.loads(runner.invoke(app, ["user", "list", "--db", db, "--json"]).stdout)
    assert [(u["name"], u["role"], u["disabled"]) for u in listed] == [("张三", "reviewer", False)]
    runner.invoke(app, ["user", "disable", "张三", "--db", db])
    table = runner.invoke(app, ["user", "list", "--db", db]).stdout
    assert "张三" in table and "审核人" in table and "已停用" in table


def test_user_add_refuses_a_duplicate_and_a_short_password(tmp_path):
    db = f"sqlite:///{tmp_path}/s.db"
    assert runner.invoke(app, ["user", "add", "li", "--db", db, "--password-stdin"], input="12345678\n").exit_code == 0
    dup = runner.invoke(app, ["user", "add", "li", "--db", db, "--password-stdin"], input="87654321\n")
    assert dup.exit_code == 2 and "已存在" in dup.output
    short = runner.invoke(app, ["user", "add", "wang", "--db", db, "--password-stdin"], input="123\n")
    assert short.exit_code == 2 and "至少 8 个字符" in short.output
