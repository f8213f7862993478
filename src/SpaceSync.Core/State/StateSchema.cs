using System;
using System.Collections.Generic;
using System.Data.Common;

namespace SpaceSync.Core.State
{
    /// <summary>One forward step of the schema: from <c>Version - 1</c> to <c>Version</c>.</summary>
    internal sealed record SchemaMigration(int Version, string Description, Action<DbCommand> Apply);

    /// <summary>
    /// The state file's schema as an ordered list of forward migrations. PRAGMA user_version holds the version
    /// reached; PRAGMA application_id marks the file as SpaceSync's. A new version appends a step here
    /// (never edits a shipped one), and the migration test then covers every older version automatically.
    /// </summary>
    internal static class StateSchema
    {
        /// <summary>'SSyn': tells a SpaceSync state file from any other SQLite database.</summary>
        public const int ApplicationId = 0x5353796E;

        public static IReadOnlyList<SchemaMigration> Migrations { get; } = new[]
        {
            new SchemaMigration(1, "initial schema: spaces, pairs, create intents, runs, history, locks, conflicts", Script(V1)),
            new SchemaMigration(2, "incremental runs: time of the last structural listing, pages left unsettled", Script(V2)),
            new SchemaMigration(3, "labels: each pair's base labels (the global labels both pages carried after the last sync)", Script(V3Labels)),
            new SchemaMigration(4, "attachments: pairs of attachments on paired pages, with the versions and bytes last synced", Script(V4Attachments)),
            // ---- comments
            new SchemaMigration(5, "comments: pairs of footer comments on paired pages, and intents of comment creates", Script(V5Comments)),
            // ---- folders
            new SchemaMigration(6, "folders: the Cloud folders (and whiteboards, databases, embeds) holding synced pages, as last read", Script(V6Folders)),
            new SchemaMigration(7, "unsettled pages: the version and compared hash last seen, and a count of pair-table changes", Script(V7SeenHashes)),
            new SchemaMigration(8, "spaces: each site's space (id, key, name, homepage) as the last structural run found it", Script(V8KnownSpaces)),
            new SchemaMigration(9, "restricted pages: the pages restrictions keep unsynced, as the last full listing and later runs found them", Script(V9RestrictedPages)),
        };

        public static int CurrentVersion => Migrations.Count;

        internal static Action<DbCommand> Script(string sql) => command =>
        {
            command.CommandText = sql;
            command.ExecuteNonQuery();
        };

        // Times are UTC text 'yyyy-MM-ddTHH:mm:ss.fffffffZ' so they sort as text. Runs, history and locks have no
        // foreign key to spaces: they are an audit trail that outlives a removed space, and a lock is taken
        // before the baseline creates the space row.
        private const string V1 = @"
CREATE TABLE spaces (
    space_key           TEXT PRIMARY KEY NOT NULL,
    cloud_key           TEXT NOT NULL,
    baseline_at         TEXT,
    last_run_id         INTEGER REFERENCES runs(run_id),
    last_run_at         TEXT,
    dc_changes_since    TEXT,
    cloud_changes_since TEXT
);
CREATE TABLE pairs (
    pair_id        INTEGER PRIMARY KEY,
    space_key      TEXT NOT NULL REFERENCES spaces(space_key) ON DELETE CASCADE,
    dc_page_id     TEXT NOT NULL,
    cloud_page_id  TEXT NOT NULL,
    dc_version     INTEGER NOT NULL,
    cloud_version  INTEGER NOT NULL,
    parent_pair_id INTEGER REFERENCES pairs(pair_id),
    title          TEXT NOT NULL,
    base_body      TEXT NOT NULL,
    base_hash      TEXT NOT NULL,
    status         TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (space_key, dc_page_id),
    UNIQUE (space_key, cloud_page_id)
);
CREATE INDEX pairs_by_parent ON pairs(parent_pair_id);
CREATE TABLE runs (
    run_id      INTEGER PRIMARY KEY,
    space_key   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    outcome     TEXT,
    counts_json TEXT,
    requests    INTEGER
);
CREATE INDEX runs_by_space ON runs(space_key, run_id);
CREATE TABLE create_intents (
    intent_id        INTEGER PRIMARY KEY,
    space_key        TEXT NOT NULL REFERENCES spaces(space_key) ON DELETE CASCADE,
    source_side      TEXT NOT NULL,
    source_page_id   TEXT NOT NULL,
    target_side      TEXT NOT NULL CHECK (target_side <> source_side),
    title            TEXT NOT NULL,
    target_parent_id TEXT,
    run_id           INTEGER REFERENCES runs(run_id),
    created_at       TEXT NOT NULL,
    UNIQUE (space_key, source_side, source_page_id)
);
CREATE TABLE history (
    history_id           INTEGER PRIMARY KEY,
    run_id               INTEGER REFERENCES runs(run_id),
    at                   TEXT NOT NULL,
    space_key            TEXT NOT NULL,
    dc_page_id           TEXT,
    cloud_page_id        TEXT,
    title                TEXT,
    action               TEXT NOT NULL,
    dc_version_before    INTEGER,
    dc_version_after     INTEGER,
    cloud_version_before INTEGER,
    cloud_version_after  INTEGER,
    message              TEXT
);
CREATE INDEX history_by_space ON history(space_key, history_id);
CREATE INDEX history_by_run ON history(run_id);
CREATE TABLE locks (
    space_key   TEXT PRIMARY KEY NOT NULL,
    owner_id    TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE TABLE conflicts (
    conflict_id        INTEGER PRIMARY KEY,
    pair_id            INTEGER NOT NULL REFERENCES pairs(pair_id) ON DELETE CASCADE,
    dc_version         INTEGER NOT NULL,
    cloud_version      INTEGER NOT NULL,
    base_dc_version    INTEGER NOT NULL,
    base_cloud_version INTEGER NOT NULL,
    reason             TEXT NOT NULL,
    detected_at        TEXT NOT NULL,
    resolved_at        TEXT,
    resolution         TEXT
);
CREATE UNIQUE INDEX conflicts_open_per_pair ON conflicts(pair_id) WHERE resolved_at IS NULL;
";

        // A change query only sees pages modified after the mark; a page a run saw changed but left alone (an open
        // conflict, drift in a one-way phase, a failed write) lies before the next mark, so it is listed here and
        // read again by every incremental run until it settles.
        private const string V2 = @"
ALTER TABLE spaces ADD COLUMN structural_at TEXT;
CREATE TABLE unsettled_pages (
    space_key TEXT NOT NULL REFERENCES spaces(space_key) ON DELETE CASCADE,
    side      TEXT NOT NULL,
    page_id   TEXT NOT NULL,
    PRIMARY KEY (space_key, side, page_id)
);
";

        // Labels are merged three-way like bodies, so each pair keeps the labels both pages carried after the last sync:
        // a sorted JSON array of lower-cased global names. NULL (every pair made before labels were synced) is "never
        // recorded", kept apart from "[]" (no labels) so a run can tell a first label merge — against an empty base,
        // i.e. the union of both sides, so nothing is lost — from an ordinary one.
        // A column on pairs rather than a table: read and written whole, it lives and dies (and is archived) with its pair.
        private const string V3Labels = @"
ALTER TABLE pairs ADD COLUMN base_labels TEXT;
";

        // One row per attachment copied between a page pair. Attachment ids are unique per site, so each side's id
        // identifies the row; the size and SHA-256 are those of the bytes both sides held after the last copy.
        private const string V4Attachments = @"
CREATE TABLE attachment_pairs (
    attachment_pair_id  INTEGER PRIMARY KEY,
    space_key           TEXT NOT NULL REFERENCES spaces(space_key) ON DELETE CASCADE,
    pair_id             INTEGER NOT NULL REFERENCES pairs(pair_id) ON DELETE CASCADE,
    dc_attachment_id    TEXT NOT NULL,
    cloud_attachment_id TEXT NOT NULL,
    file_name           TEXT NOT NULL,
    dc_version          INTEGER NOT NULL,
    cloud_version       INTEGER NOT NULL,
    size                INTEGER NOT NULL,
    sha256              TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    UNIQUE (space_key, dc_attachment_id),
    UNIQUE (space_key, cloud_attachment_id)
);
CREATE INDEX attachment_pairs_by_pair ON attachment_pairs(pair_id);
";

        // ---- comments
        // One row per footer comment copied between a page pair. The origin side is where it was written: the copy on
        // the other side carries the attribution paragraph, which never crosses back. base_hash is the hash of the
        // normalized body without attribution, in the origin's dialect, as both sides held it after the last sync.
        // A comment intent is recorded before a create is sent; body_hash (of the body sent) finds the copy on the
        // target when the answer was lost, so a retry never posts it twice.
        private const string V5Comments = @"
CREATE TABLE comment_pairs (
    comment_pair_id  INTEGER PRIMARY KEY,
    space_key        TEXT NOT NULL REFERENCES spaces(space_key) ON DELETE CASCADE,
    pair_id          INTEGER NOT NULL REFERENCES pairs(pair_id) ON DELETE CASCADE,
    dc_comment_id    TEXT NOT NULL,
    cloud_comment_id TEXT NOT NULL,
    origin_side      TEXT NOT NULL,
    dc_version       INTEGER NOT NULL,
    cloud_version    INTEGER NOT NULL,
    base_hash        TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (space_key, dc_comment_id),
    UNIQUE (space_key, cloud_comment_id)
);
CREATE INDEX comment_pairs_by_pair ON comment_pairs(pair_id);
CREATE TABLE comment_intents (
    intent_id         INTEGER PRIMARY KEY,
    space_key         TEXT NOT NULL REFERENCES spaces(space_key) ON DELETE CASCADE,
    pair_id           INTEGER NOT NULL REFERENCES pairs(pair_id) ON DELETE CASCADE,
    source_side       TEXT NOT NULL,
    source_comment_id TEXT NOT NULL,
    target_page_id    TEXT NOT NULL,
    body_hash         TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    UNIQUE (space_key, source_side, source_comment_id)
);
";

        // A page left unsettled (an open conflict) is read again by every run; hashing its body again crosses it through the
        // translator, whose user map costs both sites' user listings. So the run that leaves it records the version it saw
        // and the hash it computed, with a key of the translation's inputs (seen_inputs); a run that reads the same version
        // under the same key takes the hash. The pair table is one of those inputs (links cross by it), too big to hash
        // each run: pair_changes counts every insert, delete and change of a pair's page ids or space, in any space.
        private const string V7SeenHashes = @"
ALTER TABLE unsettled_pages ADD COLUMN seen_version INTEGER;
ALTER TABLE unsettled_pages ADD COLUMN seen_hash TEXT;
ALTER TABLE unsettled_pages ADD COLUMN seen_inputs TEXT;
CREATE TABLE pair_changes (generation INTEGER NOT NULL);
INSERT INTO pair_changes (generation) VALUES (0);
CREATE TRIGGER pair_changes_insert AFTER INSERT ON pairs BEGIN UPDATE pair_changes SET generation = generation + 1; END;
CREATE TRIGGER pair_changes_delete AFTER DELETE ON pairs BEGIN UPDATE pair_changes SET generation = generation + 1; END;
CREATE TRIGGER pair_changes_update AFTER UPDATE OF dc_page_id, cloud_page_id, space_key ON pairs
WHEN OLD.dc_page_id IS NOT NEW.dc_page_id OR OLD.cloud_page_id IS NOT NEW.cloud_page_id OR OLD.space_key IS NOT NEW.space_key
BEGIN UPDATE pair_changes SET generation = generation + 1; END;
";

        // Each side's space as JSON ({"id","key","name","homepageId"}): a run between structural listings takes it from here
        // instead of asking both sites again (see SyncRunner.ReadAsync). Null until a structural run has written it.
        // A cache of what restrictions keep unsynced, not sync state: a change query reads the restrictions of the pages it
        // judges only, so a run's own plan names only some of them. A run that lists every page replaces the rows; a change
        // run adds those it finds restricted and drops those it judged free (StateStore.Restricted).
        // Internal: PostgreSQL's step 9 is the same statement (PostgresSchema spells its text columns byte-wise).
        internal const string V9RestrictedPages = @"
CREATE TABLE restricted_pages (
    space_key     TEXT NOT NULL REFERENCES spaces(space_key) ON DELETE CASCADE,
    page_key      TEXT NOT NULL,
    dc_page_id    TEXT,
    cloud_page_id TEXT,
    title         TEXT NOT NULL,
    message       TEXT NOT NULL,
    seen_at       TEXT NOT NULL,
    PRIMARY KEY (space_key, page_key)
);
";

        private const string V8KnownSpaces = @"
ALTER TABLE spaces ADD COLUMN dc_space TEXT;
ALTER TABLE spaces ADD COLUMN cloud_space TEXT;
";

        // ---- folders
        // A cache of Cloud facts, not sync state: the non-page parents the space's Cloud pages sit in (a folder may sit in
        // another, so parent_type may be folder). A change query lists only changed pages, so a run that does not list every
        // page takes the folders from here instead of reading each again; a run that lists every page replaces the rows.
        private const string V6Folders = @"
CREATE TABLE cloud_folders (
    space_key   TEXT NOT NULL REFERENCES spaces(space_key) ON DELETE CASCADE,
    folder_id   TEXT NOT NULL,
    type        TEXT NOT NULL,
    title       TEXT NOT NULL,
    parent_id   TEXT,
    parent_type TEXT,
    version     INTEGER NOT NULL,
    read_at     TEXT NOT NULL,
    PRIMARY KEY (space_key, folder_id)
);
";
    }
}
