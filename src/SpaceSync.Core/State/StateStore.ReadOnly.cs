using System;
using System.IO;
using Microsoft.Data.Sqlite;

namespace SpaceSync.Core.State
{
    // Read-only access for readers that must never change the file: argument completers run on every Tab press, possibly
    // while a sync holds the file, and a keystroke must not create, migrate or re-journal anyone's state.
    public sealed partial class StateStore
    {
        // A completer answers while the user waits: give up quickly on a file another process has locked.
        private static readonly TimeSpan ReadOnlyBusyTimeout = TimeSpan.FromMilliseconds(500);

        /// <summary>
        /// Opens an existing state file for reading only: nothing is created, migrated or written (not even the journal mode),
        /// and no space lock is taken. A file at an older or newer schema version than this SpaceSync's is refused
        /// (<see cref="StateErrorKind.NewerSchema"/> / <see cref="StateErrorKind.CannotOpen"/>) rather than read with the wrong shape.
        /// </summary>
        public static StateStore OpenReadOnly(string path)
        {
            if (string.IsNullOrWhiteSpace(path))
                throw new ArgumentException("The state file path is empty.", nameof(path));
            EnsureSqliteReady();
            var fullPath = System.IO.Path.GetFullPath(path);
            if (!File.Exists(fullPath))
                throw new StateStoreException(StateErrorKind.CannotOpen, $"There is no state file at '{fullPath}'.");
            return Connect(fullPath, fullPath, SqliteOpenMode.ReadOnly, clock: null, ReadOnlyBusyTimeout, store => store.CheckReadable());
        }

        private void CheckReadable()
        {
            Execute($"PRAGMA busy_timeout = {(int)_busyTimeout.TotalMilliseconds}"); // a connection setting: the file is not touched
            var (applicationId, version) = Query("SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version)",
                r => (r.GetInt64(0), r.GetInt32(1)))[0];
            if (applicationId != StateSchema.ApplicationId)
                throw new StateStoreException(StateErrorKind.NotSpaceSyncState, $"'{Path}' is not a SpaceSync state file (application id {applicationId}).");
            if (version > StateSchema.CurrentVersion)
                throw NewerSchema(version, StateSchema.CurrentVersion);
            if (version < StateSchema.CurrentVersion)
                throw new StateStoreException(StateErrorKind.CannotOpen,
                    $"The state file '{Path}' has schema version {version}; reading it needs version {StateSchema.CurrentVersion}, " +
                    "which the next command that opens it for writing migrates it to.");
            SchemaVersion = version;
        }
    }
}
