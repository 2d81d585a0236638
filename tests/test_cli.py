"""The command line as an editor meets it: entry points, help, summaries, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from site_builder import __version__

REPO = Path(__file__).resolve().parent.parent


def test_console_script_and_python_dash_m_build_the_same_site(site):
    site.add_article("piece", title="Piece")
    script = Path(sys.executable).parent / "site-builder"
    for command in ([str(script)], [sys.executable, "-m", "site_builder"]):
        done = subprocess.run([*command, "build"], cwd=site.root, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "Built 1 articles" in done.stdout
        assert (site.build_dir / "articles" / "piece" / "index.html").is_file()


def test_bad_content_exits_1_without_a_traceback_from_a_real_process(site):
    site.write("content/articles/bad.md", "---\ntitle: [\n---\n")
    done = subprocess.run([sys.executable, "-m", "site_builder", "check"], cwd=site.root, capture_output=True, text=True)
    assert done.returncode == 1
    assert "content/articles/bad.md:3: YAML syntax error" in done.stderr
    assert "Traceback" not in done.stderr


def test_version_help_and_overview(run, capsys):
    import pytest
    with pytest.raises(SystemExit) as exit_info:
        run("--version")
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"site-builder {__version__}"
    overview = run()
    assert overview.code == 0 and "build" in overview.out and "check" in overview.out


def test_check_reports_success_and_writes_nothing(site, run):
    site.add_article("piece")
    result = run("check", "--site", site.root)
    assert result.code == 0
    assert "OK: 1 articles checked" in result.out
    assert not site.build_dir.exists()


def test_quiet_build_prints_nothing_on_success(site, run):
    site.add_article("piece")
    result = run("build", "--site", site.root, "-q")
    assert result.code == 0 and result.out == "" and result.err == ""


def test_an_edit_build_loads_only_what_it_uses_and_importing_leaves_collection_on(site):
    """What an edit build to a text does not use is loaded on first use (Babel's .po reader,
    langcodes, the charts, the originals, a process pool): a command starts faster without them.
    Importing the CLI sets the collector's work aside and leaves it on."""
    site.add_article("piece", title="Piece", body="Some text.")
    program = ("import gc, sys; on = gc.isenabled(); from site_builder.cli import main; "
               "print(on == gc.isenabled() == True, gc.get_freeze_count() > 0); code = main(['build', '-q']); "
               "print(code, *sorted(name for name in ('babel.messages.pofile', 'langcodes', 'site_builder.charts', "
               "'site_builder.originals', 'multiprocessing') if name in sys.modules))")
    first = subprocess.run([sys.executable, "-c", program], cwd=site.root, capture_output=True, text=True)
    assert first.returncode == 0 and first.stdout.splitlines()[0] == "True True", first.stderr
    site.add_article("piece", title="Piece", body="Some text, edited.")
    done = subprocess.run([sys.executable, "-c", program], cwd=site.root, capture_output=True, text=True)
    assert done.stdout.splitlines() == ["True True", "0"], done.stderr
    assert "Some text, edited." in site.page("articles/piece/").text_content()
