from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "gongkai.search"
    label = "search"
    verbose_name = "全文检索"

    def ready(self) -> None:
        # The index follows the catalogue, in the same transaction as each change (catalogue.hooks).
        from gongkai.catalogue import hooks
        from gongkai.search.indexing import index_documents

        hooks.subscribe(index_documents)
