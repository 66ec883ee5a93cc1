"""`python -m nianbao …`: the same CLI as the `nianbao` command."""
from nianbao.cli import main

main()
