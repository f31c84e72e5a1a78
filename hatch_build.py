"""Build hook: compile the gettext catalogs (mou/locale/*/LC_MESSAGES/*.po → .mo) and the
site's Jinja templates (mou/templates.compiled, see mou/template_options.py) into every wheel
and editable install, so the compiled files are never committed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(self.root)
        for po in sorted((root / "mou" / "locale").glob("*/LC_MESSAGES/*.po")):
            mo = po.with_suffix(".mo")
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)
            build_data["force_include"][str(mo)] = mo.relative_to(root).as_posix()
        self._compile_templates(root, build_data)

    def _compile_templates(self, root: Path, build_data: dict[str, Any]) -> None:
        import importlib.util

        # mou/template_options.py alone (the package's other modules need its dependencies).
        spec = importlib.util.spec_from_file_location(
            "template_options", root / "mou" / "template_options.py"
        )
        assert spec is not None and spec.loader is not None
        options = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(options)
        templates = root / "templates"
        target = root / "mou" / options.COMPILED.name
        env = options.build_environment(templates)
        options.write_compiled(target, env, options.site_templates(templates))
        build_data["force_include"][str(target)] = target.relative_to(root).as_posix()
