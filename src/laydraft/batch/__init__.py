"""Drafting a whole reading list: at the API's rate limits, resumable, or through the Batch API.

    limiter    pure arithmetic: token buckets for requests and tokens per minute, fed by headers
    transport  the httpx2 transport that makes every model call wait its turn at the limiter
    state      what has been drafted, failed or submitted: the resume and skip logic
    runner     the asyncio runner: bounded concurrency, checks, queueing, failures kept
    estimate   the --dry-run figures: records, tokens and cost at normal and Batch API prices
    progress   the live progress bar and the final summary
    batch_api  OpenAI Batch API: JSONL requests, upload, create, status, collect

The batch tables and their SQL live in ``laydraft.db``; this package imports nothing at load time.
"""
