using System;

namespace SpaceSync.Core.State
{
    /// <summary>Why the state store refused or failed; the cmdlets turn it into a stable ErrorId.</summary>
    public enum StateErrorKind
    {
        /// <summary>The file (or its folder) cannot be opened or created.</summary>
        CannotOpen,
        /// <summary>The file is not an SQLite database at all.</summary>
        NotADatabase,
        /// <summary>An SQLite database that some other program owns.</summary>
        NotSpaceSyncState,
        /// <summary>Written by a newer SpaceSync whose schema this one does not know.</summary>
        NewerSchema,
        /// <summary>A forward migration failed; the file was left at its old version.</summary>
        MigrationFailed,
        /// <summary>Another owner holds the space's lock.</summary>
        LockHeldByOther,
        /// <summary>
        /// A write under a run's lock found the lock no longer this run's (expired, or taken over by another run): nothing
        /// of it was written, and the run must stop.
        /// </summary>
        LockLost,
        /// <summary>A row the caller named does not exist.</summary>
        NotFound,
        /// <summary>A write broke a rule of the schema (uniqueness, parent pair, run id); nothing of it was kept.</summary>
        WriteRejected,
        /// <summary>Another process held the file's write lock for longer than the busy timeout; nothing was written.</summary>
        Busy,
        /// <summary>SQLite failed otherwise (disk full, I/O error, read-only file); nothing of the write was kept.</summary>
        StorageFailed,
        /// <summary>A stored value this version cannot read (e.g. an unknown status word).</summary>
        UnreadableValue,
        // ---- files SpaceSync did not make whole (it creates a state file in one step: see StateStore.Open)
        /// <summary>The file is zero bytes: truncated or made by something else; not read as a new state.</summary>
        EmptyFile,
        /// <summary>An SQLite database with no schema at all where a state file should be; not read as a new state.</summary>
        NoSchema,
        /// <summary>A SpaceSync state file missing a table, column or index its version has (changed outside SpaceSync).</summary>
        SchemaDamaged,
        /// <summary>Asked of a state on a database that cannot do it (e.g. archiving a space of a PostgreSQL state): nothing was changed.</summary>
        NotSupportedByProvider,
        // ---- copying a whole state (StateCopy)
        /// <summary>The copy's destination already holds a state and -Force was not given; nothing was written.</summary>
        DestinationNotEmpty,
        /// <summary>A table this SpaceSync's copier does not know, or a column one side has and the other lacks; nothing was written.</summary>
        CopyUnknownTable,
        /// <summary>The copy's counts or hashes differ from the source's; the destination was left as it was.</summary>
        CopyMismatch,
    }

    /// <summary>The state store cannot do what was asked. Messages name the file or database, never any credential (a connection string's password included).</summary>
    public sealed class StateStoreException : Exception
    {
        public StateStoreException(StateErrorKind kind, string message, Exception? inner = null)
            : base(message, inner)
        {
            Kind = kind;
        }

        public StateErrorKind Kind { get; }
    }
}
