"""The site's templates compiled by the package build (`mou/templates.compiled`) are used only
where they are what this process would compile: the same options, Jinja, Python and source."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from mou import site_pages, template_options
from mou.render import environment, templates_folder


def _site_environment() -> Any:
    return site_pages._environment()


def test_the_build_compiles_as_the_site_does() -> None:
    """The build's stand-in environment shapes the code as the site's own: when an option of
    `render.environment` changes, the build must change with it (else nothing is used)."""
    built = template_options.build_environment(templates_folder())
    assert template_options.fingerprint(built) == template_options.fingerprint(_site_environment())


def test_the_installed_package_holds_every_site_template_compiled() -> None:
    """`make venv` installs mou through the build, which compiles them."""
    found = site_pages.packaged_templates()
    assert sorted(found) == sorted(template_options.site_templates(templates_folder()))


def test_the_packaged_templates_load_without_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    env = _site_environment()
    env.cache.clear()  # as in a new process

    def refused(*_: Any, **__: Any) -> Any:
        raise AssertionError("compiled again")

    monkeypatch.setattr(env, "compile", refused)
    try:
        site_pages.compile_templates(site_pages.packaged_templates())
    finally:
        env.cache.clear()


@pytest.mark.parametrize(
    "other",
    [
        {"html": False},  # no autoescape: never the site's code
        {"trim_blocks": False},
        {"filter": "pass_context"},
    ],
    ids=str,
)
def test_an_environment_that_compiles_otherwise_uses_none(other: dict[str, Any]) -> None:
    import jinja2

    env = environment(html=other.get("html", True))
    if "trim_blocks" in other:
        env.trim_blocks = other["trim_blocks"]
    if "filter" in other:
        env.filters["md"] = jinja2.pass_context(lambda context, value: value)
    assert template_options.read_compiled(env) == {}


def test_a_template_changed_since_the_build_is_compiled_from_its_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(templates_folder(), folder)
    names = template_options.site_templates(folder)
    compiled = tmp_path / "templates.compiled"
    template_options.write_compiled(compiled, template_options.build_environment(folder), names)
    findings = folder / "site" / "findings.html.j2"
    findings.write_text(findings.read_text("utf-8") + "<p>changed since</p>\n", "utf-8")
    env = environment(html=True, folder=folder)
    found = template_options.read_compiled(env, compiled)
    assert sorted(found) == sorted(names)
    made: list[str] = []
    compile_source = env.compile

    def counted(source: str, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        made.append(str(name))
        return compile_source(source, name, *args, **kwargs)

    monkeypatch.setattr(env, "compile", counted)
    template_options.compiled(env, names, found)
    assert made == ["site/findings.html.j2"]


@pytest.mark.parametrize("content", [b"", b"not a pickle", b"\x80\x05N."])
def test_a_damaged_or_foreign_file_is_no_compiled_template(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "templates.compiled"
    path.write_bytes(content)
    assert template_options.read_compiled(_site_environment(), path) == {}
    assert template_options.read_compiled(_site_environment(), tmp_path / "missing") == {}
