"""laydraft: plain-language drafts of biomedical abstracts, always reviewed by a person.

The flow is ingest -> prompts -> drafting -> checks -> store -> review -> export; the CLI,
the web app and the batch runner are thin layers over these modules.
"""

__version__ = "0.1.0"
