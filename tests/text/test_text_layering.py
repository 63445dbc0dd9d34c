"""The text layer imports only base modules and third-party libraries."""

from __future__ import annotations

import grimp

ALLOWED = {"laydraft.models", "laydraft.errors", "laydraft.resources", "laydraft.config"}


def test_text_imports_only_base_modules() -> None:
    graph = grimp.build_graph("laydraft")
    outside = {
        imported
        for module in graph.find_descendants("laydraft.text") | {"laydraft.text"}
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.startswith("laydraft.") and not imported.startswith("laydraft.text")
    }
    assert outside <= ALLOWED, outside - ALLOWED


def test_drafting_and_checks_do_not_import_each_other() -> None:
    graph = grimp.build_graph("laydraft")
    for importer, imported in (("laydraft.drafting", "laydraft.checks"),
                               ("laydraft.checks", "laydraft.drafting")):
        chains = graph.find_shortest_chains(importer=importer, imported=imported,
                                            as_packages=True)
        assert not chains, chains
