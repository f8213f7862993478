using System;
using System.Collections.Generic;
using System.Linq;

namespace SpaceSync.Core.State
{
    /// <summary>Which store of a copy a failure came from (<see cref="StateCopy.SideOf"/>).</summary>
    public enum StateCopySide
    {
        Source,
        Destination,
    }

    /// <summary>One table of a copied state: its rows and the hash of its rows on each side.</summary>
    public sealed record StateCopyTable(string Table, long SourceRows, long DestinationRows, string SourceHash, string DestinationHash)
    {
        public bool Matches => SourceRows == DestinationRows && SourceHash == DestinationHash;
    }

    /// <summary>What <see cref="StateCopy.Copy"/> wrote: every table's counts and hashes (all equal, or it would have thrown).</summary>
    public sealed record StateCopyResult(string Source, string Destination, IReadOnlyList<StateCopyTable> Tables)
    {
        /// <summary>True when the destination held a state that <c>force</c> emptied first.</summary>
        public bool Emptied { get; init; }

        /// <summary>Expired space locks of the source, not copied (a lock belongs to a run on the source).</summary>
        public int LocksNotCopied { get; init; }

        public bool Verified => Tables.All(t => t.Matches);
    }

    /// <summary>
    /// Copies a whole state from one open <see cref="StateStore"/> to another, SQLite or PostgreSQL either way (moving a
    /// scope's state to a shared server, or back to a file). See <see cref="StateStore"/>'s copy notes in State/README.md.
    /// </summary>
    public static class StateCopy
    {
        /// <summary>
        /// Copies every row of <paramref name="source"/> into <paramref name="destination"/> in one destination transaction,
        /// ids kept, then checks each table's row count and hash on both sides; any difference rolls the destination back.
        /// </summary>
        /// <param name="force">Empty a destination that already holds a state (in the same transaction) instead of refusing.</param>
        /// <exception cref="StateStoreException">DestinationNotEmpty, CopyUnknownTable, CopyMismatch, LockHeldByOther (a live run
        /// holds a space of the source, or of a destination to empty), or the databases' own failures. The destination is unchanged.</exception>
        public static StateCopyResult Copy(StateStore source, StateStore destination, bool force)
        {
            if (source is null) throw new ArgumentNullException(nameof(source));
            if (destination is null) throw new ArgumentNullException(nameof(destination));
            return StateStore.CopyState(source, destination, force);
        }

        internal const string SideKey = "SpaceSync.StateCopySide";

        /// <summary>
        /// The store a failure of <see cref="Copy"/> came from: the source (reading it) or the destination (writing or verifying
        /// the copy); null for a refusal about both (a copy onto itself, different schema versions).
        /// </summary>
        public static StateCopySide? SideOf(Exception failure) =>
            failure?.Data.Contains(SideKey) == true && failure.Data[SideKey] is StateCopySide side ? side : null;

        /// <summary>The rows each table of <paramref name="store"/> holds that a copy would replace (space locks included); all zero for a new state.</summary>
        public static IReadOnlyDictionary<string, long> CountRows(StateStore store)
        {
            if (store is null) throw new ArgumentNullException(nameof(store));
            return store.CountCopiedRows();
        }
    }
}
