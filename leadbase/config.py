"""Settings: the only place that reads the environment (LEADBASE_* variables)."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///leadbase.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEADBASE_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    # "off", or a rate per API key such as "5/second" or "100/minute"; an organization
    # gets three times the per-key rate, as Close does.
    rate_limit: str = "off"
    # When set, rate-limit counters live in Redis and are shared by every process.
    redis_url: str | None = None
    max_body_bytes: int = 10 * 1024 * 1024
    # A client that stops sending its body for this long gets 408 and is dropped.
    body_read_timeout_seconds: float = Field(default=30.0, gt=0)
    # An idle keep-alive connection is closed after this long (uvicorn's timeout_keep_alive).
    keep_alive_seconds: int = Field(default=5, ge=1)
    # Where html_url links point (`{html_base_url}/console/lead/{id}/`, the console's page). Unset:
    # the base URL of the request being answered (leadbase's own address as the client reached it),
    # never Close's site.
    html_base_url: str | None = None
    # Signs the web console's session cookies. Unset: a random key generated on first use and
    # kept in the database (table server_secret), shared by every process using it. Changing it
    # signs everyone out of the console.
    console_secret: str | None = None
    api_key_cache_seconds: float = 30.0
    # NORMAL in WAL mode survives a crash of the process; FULL also survives power loss.
    sqlite_synchronous: str = "NORMAL"
    db_pool_size: int = 20
    # One statement may run this long before the database stops it (a 400: the same request would
    # run as long again); 0 means no limit. Waiting for a row lock ends sooner, as a 503 to retry.
    statement_timeout_seconds: float = Field(default=30.0, ge=0)
    lock_timeout_seconds: float = Field(default=10.0, ge=0)
    default_phone_region: str = "US"
    # The URL clients reach this server at (https://crm.example.com), for the links leadbase hands
    # out (file upload forms and downloads); unset, each request's own scheme and host.
    public_url: str | None = None
    # Uploaded files (POST /files/upload/): a directory, or an S3-compatible bucket when
    # files_s3_bucket is set (credentials as boto3 finds them; pip install 'leadbase[s3]').
    files_dir: str = "leadbase-files"
    files_max_bytes: int = Field(default=25 * 1024 * 1024, gt=0)
    files_s3_bucket: str | None = None
    files_s3_endpoint_url: str | None = None
    files_s3_region: str | None = None
    # AI field enrichment (POST /enrich_field/): the import path of a provider,
    # `package.module:attribute` (see resources/enrich_field/provider.py). Unset: the endpoint
    # answers 400 saying no provider is configured; leadbase never invents values.
    enrichment_provider: str | None = None

    # Close caps a search's cursor chain at 10,000 results and expires its cursors after 30
    # seconds; leadbase lifts both unless this is set, for testing code that must survive them.
    search_close_limits: bool = False

    # Background work (jobs, webhook delivery). `leadbase serve` runs a worker thread in each
    # server process unless this is off (then run `leadbase worker` processes).
    embedded_worker: bool = True
    # How long an idle worker waits before looking for work again (a commit in the same process
    # wakes it at once; other processes' commits are seen at the next poll).
    worker_poll_seconds: float = Field(default=0.2, gt=0)
    # One webhook attempt may take this long before it counts as failed.
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    # Refuse webhook targets that resolve to private, loopback, link-local or reserved addresses
    # (checked at delivery time). Off by default: local receivers are the development case.
    webhook_block_private_targets: bool = False
    # PostgreSQL: how long a hole in the event log's sequence is watched for a transaction still
    # committing before it is taken for rolled back. Longer than any transaction writing events.
    webhook_gap_seconds: float = Field(default=300.0, ge=0)

    @field_validator("rate_limit")
    @classmethod
    def _check_rate(cls, value: str) -> str:
        from leadbase.api.ratelimit import parse_rate

        parse_rate(value)
        return value
