"""Drafting a whole reading list: at the API's rate limits, resumable, or through the Batch API.

    state      what has been drafted, failed or submitted: the resume and skip logic
    runner     the asyncio runner: bounded concurrency, checks, queueing, failures kept
    estimate   the --dry-run figures: records, tokens and cost at normal and Batch API prices
    progress   the live progress bar and the final summary
    batch_api  OpenAI Batch API: JSONL requests, upload, create, status, collect

The batch tables and their SQL live in ``laydraft.db``; the rate limiter and its transport live
with the model provider in ``laydraft.drafting``. This package imports nothing at load time.
"""
