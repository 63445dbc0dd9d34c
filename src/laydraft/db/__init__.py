"""Storage: the live tables, the migrations that build them, and the Store API over them.

    types       Timestamp (timestamptz / ISO text) and JSONDocument (jsonb / JSON text)
    tables      every live table, in one MetaData
    migrations  every schema change, in order, each recorded when applied
    engine      engines (SQLite pragmas, BEGIN handling) and transactions
    store       Store: the queue's rows, plus accounts, sessions, sign-in attempts, responses
                and batch rows (mixins)

Imports only base modules (models, errors), never anything above.
"""

from .batch import ItemKey, ItemRow
from .responses import CachedAnswer
from .store import Store

__all__ = ["CachedAnswer", "ItemKey", "ItemRow", "Store"]
