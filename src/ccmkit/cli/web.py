"""`ccmkit serve` (the web workbench) and `ccmkit users …` (who may sign in to it)."""

from __future__ import annotations

import click

from ccmkit.vocab import ROLES

DB_OPTION = click.option(
    "--db", "db_url", metavar="URL", envvar="CCMKIT_DB", show_envvar=True,
    help="Database of the follow-up log and the users (file path, sqlite:///PATH or "
         "postgresql://USER@HOST/DB) [default: a SQLite file in your user data folder].")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (keep 127.0.0.1 unless a TLS proxy is in front).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes that generate documents [default: number of CPUs].")
@DB_OPTION
def serve(host: str, port: int, workers: int | None, db_url: str | None) -> None:
    """Start the web workbench (open http://127.0.0.1:8000 and sign in).

    SIGTERM (systemctl stop, docker stop) ends it as Ctrl-C does: the worker processes and
    their forkserver end with it; jobs it leaves unfinished show as interrupted."""
    import signal

    from werkzeug.serving import make_server

    from ccmkit.jobs.run import configure_logging
    from ccmkit.web import create_app

    configure_logging()
    config: dict = {"CCMKIT_DB": db_url, "CCMKIT_WARM": True}
    if workers:
        config["CCMKIT_WORKERS"] = workers
    _check_free(host, port)
    app = create_app(config)
    try:
        server = make_server(host, port, app, threaded=True, request_handler=_quiet_handler())
    except OSError as exc:
        app.extensions["ccmkit"].jobs.shutdown()
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}; "
                                   "choose another --port") from None
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"ccmkit web workbench on http://{shown}:{server.server_port}/ "
               "(Ctrl-C to stop)")
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        server.server_close()
        app.extensions["ccmkit"].jobs.shutdown()
        _stop_forkserver()


def _stop(_signum: int, _frame: object) -> None:
    """SIGTERM: stop as on Ctrl-C."""
    raise KeyboardInterrupt


def _stop_forkserver() -> None:
    """End the workers' forkserver now rather than when this process exits."""
    import contextlib
    from multiprocessing import forkserver

    with contextlib.suppress(Exception):
        forkserver._forkserver._stop()  # type: ignore[attr-defined]


def _quiet_handler() -> type:
    """Werkzeug's request handler without its version banner (``Server: ccmkit``)."""
    from werkzeug.serving import WSGIRequestHandler

    class Handler(WSGIRequestHandler):
        def version_string(self) -> str:
            return "ccmkit"

    return Handler


def _check_free(host: str, port: int) -> None:
    """One clear line if the address cannot be bound (Werkzeug would print and exit)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(infos[0][4])
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: "
                                   f"{exc.strerror or exc}; choose another --port or --host"
                                   ) from None


@click.group()
def users() -> None:
    """Manage who may sign in to the web workbench (viewers read, editors also write)."""


def _engine(db_url: str | None):
    from ccmkit.web.users import open_database

    return open_database(db_url)


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="viewer: reads; editor: also generates documents and writes the log.")
@click.password_option(help="Password (asked for when not given; at least 10 characters).")
@DB_OPTION
def users_add(name: str, role: str, password: str, db_url: str | None) -> None:
    """Create the user NAME (the password is asked for twice)."""
    from ccmkit.web.users import add_user, check_name

    check_name(name)
    add_user(_engine(db_url), name, role, password)
    click.echo(f"user {name} added ({role})")


@users.command("set-password")
@click.argument("name")
@click.password_option()
@DB_OPTION
def users_set_password(name: str, password: str, db_url: str | None) -> None:
    """Give NAME a new password (their open sessions end)."""
    from ccmkit.web.users import set_password

    set_password(_engine(db_url), name, password)
    click.echo(f"password of {name} changed")


@users.command("list")
@DB_OPTION
def users_list(db_url: str | None) -> None:
    """List the users and their roles."""
    from ccmkit.web.users import list_users

    for user in list_users(_engine(db_url)):
        click.echo(f"{user.name}\t{user.role}")


@users.command("remove")
@click.argument("name")
@DB_OPTION
def users_remove(name: str, db_url: str | None) -> None:
    """Remove the user NAME: their open sessions end and their jobs' files are deleted (the
    server's job folder, $CCMKIT_WEB_OUTPUT); a user created later never gets their id."""
    from ccmkit.web import job_root
    from ccmkit.web.users import remove_jobs, remove_user

    engine = _engine(db_url)
    owner = remove_user(engine, name)
    jobs = remove_jobs(job_root(), engine, owner)
    click.echo(f"user {name} removed" + (f" with {jobs} jobs" if jobs else ""))
