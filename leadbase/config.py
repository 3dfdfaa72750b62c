"""Settings: the only place that reads the environment (LEADBASE_* variables)."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from leadbase.db.engine import DEFAULT_SQLITE_CACHE_MIB

DEFAULT_DATABASE_URL = "sqlite:///leadbase.db"

# Close-strict mode (LEADBASE_CLOSE_STRICT): the per-key rate Close's documentation gives as its
# example (20 requests a second per key, 60 per organization), and the deepest `_skip` Close was
# seen to accept (max_skip = 250000, on /activity/email/). Without it leadbase lifts both.
CLOSE_RATE_LIMIT = "20/second"
CLOSE_MAX_SKIP = 250_000
UNLIMITED_SKIP = 10**12


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
    # SQLite's page cache per connection, in MiB (SQLite's own default is 2): a count over a few
    # thousand index entries of a large database re-read its pages from the operating system on
    # each request with 2 MiB, and took half again as long; much more slows scans of more pages
    # than the cache holds (docs/architecture.md).
    sqlite_cache_mib: int = Field(default=DEFAULT_SQLITE_CACHE_MIB, ge=1)
    db_pool_size: int = 20
    # Representations of leads and contacts kept per process for the next read of the same
    # stored row (db/kept.py, SQLite only), per kind: about 4 KiB each (measured on the
    # benchmark's leads), so ~40 MiB at most with the default. 0 renders every read afresh.
    kept_renderings: int = Field(default=5_000, ge=0)
    # Compare every kept representation answered with a fresh one, and fail when they differ
    # (the test suite sets this: LEADBASE_CHECK_KEPT_RENDERINGS=true). Slower; not for serving.
    check_kept_renderings: bool = False
    # Connections each process keeps for counting a list's total_results while its page is read
    # and rendered on the request's own connection (db/aside.py); 0 counts on the request's own.
    count_connections: int = Field(default=2, ge=0)
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

    # Outgoing email (activities put in outbox or scheduled): unset, every message is kept in the
    # captured outbox (/api/leadbase/outbox/) and nothing leaves; set, emails go through this SMTP
    # server: smtp://user:pass@host:port (plain; ?starttls=true to upgrade), smtps://... (TLS).
    # SMS always stay in the captured outbox.
    smtp_url: str | None = None
    # Exports (POST /export/lead/, /export/opportunity/) are written here as gzip files. Unset: a
    # `leadbase-exports` directory beside the SQLite database file, or in the system's temporary
    # directory on PostgreSQL. Servers and `leadbase worker` processes must see the same directory.
    exports_dir: str | None = None
    # A download_url works for this long after the answer that showed it (Close's links: 60 s).
    export_link_seconds: float = Field(default=60.0, gt=0)
    # A finished export's file is kept this long, then deleted; its links then answer 410.
    export_keep_hours: float = Field(default=168.0, gt=0)

    # Close caps a search's cursor chain at 10,000 results and expires its cursors after 30
    # seconds; leadbase lifts both unless this is set, for testing code that must survive them.
    search_close_limits: bool = False

    # Close-strict mode: turn on the limits Close enforces and leadbase lifts by default, for code
    # that must survive them: a rate limit (CLOSE_RATE_LIMIT unless rate_limit is set), the search
    # cap and cursor expiry (implies search_close_limits), and Close's deepest `_skip`.
    close_strict: bool = False

    # Seed for the id generator (core/ids.py): the same requests, made one at a time, then give
    # the same ids on every run. One process only; unset, ids are random.
    id_seed: str | None = None

    # Background work (jobs, webhook delivery). `leadbase serve` runs a worker thread in each
    # server process unless this is off (then run `leadbase worker` processes).
    embedded_worker: bool = True
    # How long an idle worker waits before looking for work again (a commit in the same process
    # wakes it at once; other processes' commits are seen at the next poll).
    worker_poll_seconds: float = Field(default=0.2, gt=0)
    # The worker inside a server process waits longer while it stays idle, doubling from
    # worker_poll_seconds up to this: its rounds take the GIL the requests need (jobs/worker.py).
    # Other processes' commits and due retries are seen this late at most; this process's own
    # commits still wake it at once. `leadbase worker` processes always poll every
    # worker_poll_seconds.
    worker_idle_poll_seconds: float = Field(default=1.0, gt=0)
    # One webhook attempt may take this long before it counts as failed.
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    # Refuse webhook targets that resolve to private, loopback, link-local or reserved addresses
    # (checked at delivery time). Off by default: local receivers are the development case.
    webhook_block_private_targets: bool = False
    # PostgreSQL: how long a hole in the event log's sequence is watched for a transaction still
    # committing before it is taken for rolled back. Longer than any transaction writing events.
    webhook_gap_seconds: float = Field(default=300.0, ge=0)

    # The admin API (/api/leadbase/admin/: organizations, snapshots, the clock, the journal) is
    # on only when this is set; requests carry it as `Authorization: Bearer <token>`.
    admin_token: str | None = None
    # Requests and responses kept per organization in each server process's journal (0: none).
    journal_size: int = Field(default=100, ge=0)

    @field_validator("smtp_url")
    @classmethod
    def _check_smtp(cls, value: str | None) -> str | None:
        from leadbase.resources.messages.smtp import SmtpServer

        if value:
            SmtpServer.parse(value)
        return value

    @model_validator(mode="after")
    def _strict_implies(self) -> Settings:
        if self.close_strict:
            self.search_close_limits = True
            if "rate_limit" not in self.model_fields_set:
                self.rate_limit = CLOSE_RATE_LIMIT
        return self

    @property
    def max_skip(self) -> int:
        """The deepest `_skip` a list accepts."""
        return CLOSE_MAX_SKIP if self.close_strict else UNLIMITED_SKIP

    @field_validator("rate_limit")
    @classmethod
    def _check_rate(cls, value: str) -> str:
        from leadbase.api.ratelimit import parse_rate

        parse_rate(value)
        return value
