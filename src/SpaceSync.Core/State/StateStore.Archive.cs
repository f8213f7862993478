using System;
using System.Globalization;
using System.IO;

namespace SpaceSync.Core.State
{
    /// <summary>What <see cref="StateStore.ArchiveSpace"/> moved out of the live state, and where to.</summary>
    public sealed record SpaceArchive(string SpaceKey, string Path)
    {
        public int Pairs { get; init; }
        public int AttachmentPairs { get; init; }
        public int Conflicts { get; init; }
        public int CreateIntents { get; init; }
        public int Runs { get; init; }
        public int History { get; init; }
    }

    // Archiving a retired space (Remove-SyncedSpace).
    //
    // The archive is a separate file, <state folder>/archive/<KEY>-<UTC time>.db, and itself a SpaceSync state file
    // holding only that space's rows, ids kept. Why not archive tables inside the live file: the live schema stays as
    // it is (no migration, nothing for every run to carry), the archive reads with StateStore.Open and any SQLite tool
    // (point a scope file's state.path at it to see the space again), and an admin can move, keep or delete it on its
    // own. Rows are copied with SELECT * because both files are built by the same migration steps, so their columns
    // match, and a column added by a later step is archived without touching this code.
    public sealed partial class StateStore
    {
        /// <summary>A retirement holds the space's lock only for the copy and the delete: seconds, even for a large space.</summary>
        private static readonly TimeSpan ArchiveLockLease = TimeSpan.FromMinutes(10);

        private const string ArchiveSchema = "archive";

        /// <summary>Where <see cref="ArchiveSpace"/> writes: the <c>archive</c> folder beside the state file.</summary>
        public string ArchiveFolder => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path) ?? ".", "archive");

        /// <summary>
        /// Moves the space out of the live state into a new archive file in <see cref="ArchiveFolder"/>: its space row,
        /// pairs, create intents and conflicts (open and resolved), with copies of its runs and history (which also stay
        /// in the live file, as the audit trail). Returns null, writing nothing, when the state holds no such space.
        /// </summary>
        /// <remarks>
        /// Two steps, in the order that never loses a row: the archive is written and committed first, then the space
        /// leaves the live file. A failure before the second commit deletes the new archive and leaves the live state
        /// as it was. The space's lock is held throughout, so no run starts meanwhile.
        /// </remarks>
        /// <exception cref="StateStoreException"><see cref="StateErrorKind.LockHeldByOther"/> while a run holds the space.</exception>
        public SpaceArchive? ArchiveSpace(string spaceKey)
        {
            Require(spaceKey, nameof(spaceKey));
            // The archive is an SQLite file ATTACHed to the live one; a PostgreSQL state has no file to put beside.
            RequireFile("Archiving a space");
            var space = GetSpace(spaceKey);
            if (space is null)
            {
                return null;
            }

            var owner = NewLockOwnerId();
            var attempt = TryAcquireLock(space.SpaceKey, owner, ArchiveLockLease);
            if (!attempt.Acquired)
            {
                throw new StateStoreException(StateErrorKind.LockHeldByOther,
                    $"Space {space.SpaceKey} is locked by a run (owner {attempt.Holder.OwnerId}, since {attempt.Holder.AcquiredAt:u}, until " +
                    $"{attempt.Holder.ExpiresAt:u}); it cannot be archived while the run is underway. Nothing was archived.");
            }

            string? archivePath = null;
            var moved = false;
            try
            {
                archivePath = CreateArchiveFile(space.SpaceKey);
                var archive = CopyToArchive(space.SpaceKey, archivePath);
                InTransaction($"removing archived space {space.SpaceKey}", () =>
                {
                    // Taken over after an expiry means another run may be writing: keep everything where it is.
                    if (GetLock(space.SpaceKey)?.OwnerId != owner)
                        throw new StateStoreException(StateErrorKind.LockHeldByOther,
                            $"The lock of space {space.SpaceKey} was taken by another run while it was being archived; it stays in the live state.");
                    Execute("DELETE FROM spaces WHERE space_key = @key", ("@key", space.SpaceKey)); // pairs, intents, conflicts cascade
                    Execute("DELETE FROM locks WHERE space_key = @key", ("@key", space.SpaceKey));
                });
                moved = true;
                return archive;
            }
            finally
            {
                if (!moved)
                {
                    TryReleaseLock(space.SpaceKey, owner);
                    if (archivePath != null) TryDelete(archivePath);
                }
            }
        }

        /// <summary>A new, empty state file for the archive, with a name no other archive has.</summary>
        private string CreateArchiveFile(string spaceKey)
        {
            var folder = ArchiveFolder;
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new StateStoreException(StateErrorKind.CannotOpen,
                    $"Cannot create the archive folder '{folder}' beside the state file: {e.Message}. Nothing was archived.", e);
            }

            var stamp = Now().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            // A blog-post collection's key (ENG:blogposts) has a ':' that Windows refuses in a file name.
            var name = spaceKey.Replace(':', '.');
            for (var n = 1; ; n++)
            {
                var path = System.IO.Path.Combine(folder, n == 1 ? $"{name}-{stamp}.db" : $"{name}-{stamp}-{n}.db");
                // Made whole and moved into place without replacing: two retirements in the same second never share a file.
                if (File.Exists(path) || !CreateWhole(path, _clock, StateSchema.Migrations, _busyTimeout))
                    continue;

                try
                {
                    using var archive = Open(path, _clock, StateSchema.Migrations, _busyTimeout);
                    // One self-contained file: no -wal/-shm beside it once closed, so it can be moved or mailed as is.
                    archive.Execute("PRAGMA journal_mode = DELETE");
                }
                catch
                {
                    TryDelete(path);
                    throw;
                }

                return path;
            }
        }

        private SpaceArchive CopyToArchive(string spaceKey, string archivePath)
        {
            // ATTACH cannot run inside a transaction; the copy itself is one transaction that writes only the archive.
            Execute($"ATTACH DATABASE @path AS {ArchiveSchema}", ("@path", archivePath));
            try
            {
                return InTransaction($"archiving space {spaceKey}", () =>
                {
                    // Rows go in id order, and a pair may name a parent stored after it: check references at commit.
                    Execute("PRAGMA defer_foreign_keys = ON");
                    var key = ("@key", (object?)spaceKey);
                    var runs = Execute($"INSERT INTO {ArchiveSchema}.runs SELECT * FROM main.runs WHERE space_key = @key ORDER BY run_id", key);
                    Execute($"INSERT INTO {ArchiveSchema}.spaces SELECT * FROM main.spaces WHERE space_key = @key", key);
                    var pairs = Execute($"INSERT INTO {ArchiveSchema}.pairs SELECT * FROM main.pairs WHERE space_key = @key ORDER BY pair_id", key);
                    var intents = Execute($"INSERT INTO {ArchiveSchema}.create_intents SELECT * FROM main.create_intents WHERE space_key = @key ORDER BY intent_id", key);
                    var conflicts = Execute(
                        $@"INSERT INTO {ArchiveSchema}.conflicts SELECT c.* FROM main.conflicts c JOIN main.pairs p ON p.pair_id = c.pair_id
                           WHERE p.space_key = @key ORDER BY c.conflict_id", key);
                    var history = Execute($"INSERT INTO {ArchiveSchema}.history SELECT * FROM main.history WHERE space_key = @key ORDER BY history_id", key);
                    Execute($"INSERT INTO {ArchiveSchema}.unsettled_pages SELECT * FROM main.unsettled_pages WHERE space_key = @key", key);
                    Execute($"INSERT INTO {ArchiveSchema}.cloud_folders SELECT * FROM main.cloud_folders WHERE space_key = @key", key); // ---- folders
                    var attachments = Execute(
                        $"INSERT INTO {ArchiveSchema}.attachment_pairs SELECT * FROM main.attachment_pairs WHERE space_key = @key ORDER BY attachment_pair_id", key);
                    return new SpaceArchive(spaceKey, archivePath)
                    {
                        Pairs = pairs,
                        AttachmentPairs = attachments,
                        Conflicts = conflicts,
                        CreateIntents = intents,
                        Runs = runs,
                        History = history,
                    };
                });
            }
            finally
            {
                Execute($"DETACH DATABASE {ArchiveSchema}");
            }
        }

        private void TryReleaseLock(string spaceKey, string owner)
        {
            try
            {
                ReleaseLock(spaceKey, owner);
            }
            catch (StateStoreException)
            {
                // Taken over by another run, or the file failed: the lock expires on its own; the first error matters.
            }
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
                File.Delete(path + "-journal");
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // An empty or partial archive left behind names itself by its time; the live state is what counts.
            }
        }
    }
}
