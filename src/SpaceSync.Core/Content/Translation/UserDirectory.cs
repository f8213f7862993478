using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sites;

namespace SpaceSync.Core.Content.Translation
{
    /// <summary>How a Data Center user found their Cloud account.</summary>
    public enum UserPairing { Email, Override }

    /// <summary>A Data Center user and the Cloud account mentions of them become.</summary>
    /// <param name="Cloud">The Cloud user (listed, or looked up for an override row); null when the site knows no such account.</param>
    /// <param name="Location">For overrides, the users.map row (<c>users.csv:4</c>); null for e-mail pairs.</param>
    public sealed record UserPair(DirectoryUser DataCenter, string CloudAccountId, DirectoryUser? Cloud, UserPairing PairedBy, string? Location);

    /// <summary>An e-mail address that more than one user of one site holds: it pairs none of them.</summary>
    public sealed record EmailClash(SiteKind Site, string Email, IReadOnlyList<DirectoryUser> Users);

    /// <summary>What building the user map found; lists are complete, log messages show only the first few names.</summary>
    public sealed class UserDirectoryReport
    {
        internal UserDirectoryReport(int dataCenterUsers, int cloudUsers, List<UserPair> pairs, List<DirectoryUser> unpairedDataCenter,
            List<DirectoryUser> unpairedCloud, List<DirectoryUser> cloudEmailWithheld, List<DirectoryUser> dataCenterWithoutEmail,
            List<EmailClash> clashes, List<string> warnings, string? dataCenterEmailNotice, string? cloudEmailNotice)
        {
            DataCenterEmailNotice = dataCenterEmailNotice;
            CloudEmailNotice = cloudEmailNotice;
            DataCenterUsers = dataCenterUsers;
            CloudUsers = cloudUsers;
            Pairs = pairs;
            UnpairedDataCenter = unpairedDataCenter;
            UnpairedCloud = unpairedCloud;
            CloudEmailWithheld = cloudEmailWithheld;
            DataCenterWithoutEmail = dataCenterWithoutEmail;
            EmailClashes = clashes;
            Warnings = warnings;
        }

        public int DataCenterUsers { get; }

        public int CloudUsers { get; }

        public IReadOnlyList<UserPair> Pairs { get; }

        public int PairedByEmail => Pairs.Count(p => p.PairedBy == UserPairing.Email);

        public int PairedByOverride => Pairs.Count(p => p.PairedBy == UserPairing.Override);

        /// <summary>Data Center users whose mentions cannot cross (they become plain names on Cloud).</summary>
        public IReadOnlyList<DirectoryUser> UnpairedDataCenter { get; }

        /// <summary>Cloud users whose mentions cannot cross.</summary>
        public IReadOnlyList<DirectoryUser> UnpairedCloud { get; }

        /// <summary>Cloud users whose e-mail Cloud would not give (profile visibility, e-mail API refused).</summary>
        public IReadOnlyList<DirectoryUser> CloudEmailWithheld { get; }

        /// <summary>Data Center users the directory gave no e-mail for.</summary>
        public IReadOnlyList<DirectoryUser> DataCenterWithoutEmail { get; }

        public IReadOnlyList<EmailClash> EmailClashes { get; }

        /// <summary>Why the Data Center listing lacked e-mails, as the site client explains it; null when none was missing.</summary>
        public string? DataCenterEmailNotice { get; }

        /// <summary>Why Cloud withheld e-mails (the e-mail API's refusal); null when it did not refuse.</summary>
        public string? CloudEmailNotice { get; }

        /// <summary>Everything that was also logged as a warning, in order.</summary>
        public IReadOnlyList<string> Warnings { get; }

        public override string ToString() =>
            $"{DataCenterUsers} Data Center and {CloudUsers} Cloud users: {PairedByEmail} paired by e-mail, {PairedByOverride} by users.map; " +
            $"{UnpairedDataCenter.Count} Data Center and {UnpairedCloud.Count} Cloud users unpaired; " +
            $"{CloudEmailWithheld.Count} Cloud e-mails withheld; {EmailClashes.Count} shared e-mails.";
    }

    /// <summary>
    /// Turns the two sites' user directories and the scope file's users.map into the <see cref="UserMap"/> the storage
    /// translator uses, with a report of who paired how and who did not. Reads each site's listing once (memory grows
    /// with the number of users, a few hundred bytes each).
    /// </summary>
    public sealed class UserDirectory
    {
        private const int NamesInLog = 10;

        private UserDirectory(UserMap map, UserDirectoryReport report)
        {
            Map = map;
            Report = report;
        }

        public UserMap Map { get; }

        public UserDirectoryReport Report { get; }

        /// <param name="usersCsvPath">The scope's users.map, already resolved against the scope file's folder; null when none.
        /// A path that does not exist is a warning (the scope validator allows a map that is still to be written).</param>
        /// <exception cref="UserMapFileException">users.map exists but cannot be read or is malformed.</exception>
        /// <exception cref="SiteException">A site could not list its users.</exception>
        public static async Task<UserDirectory> BuildAsync(IConfluenceSite dataCenter, IConfluenceSite cloud, string? usersCsvPath,
            EngineLog log, CancellationToken cancellationToken)
        {
            if (dataCenter is null) throw new ArgumentNullException(nameof(dataCenter));
            if (cloud is null) throw new ArgumentNullException(nameof(cloud));
            if (log is null) throw new ArgumentNullException(nameof(log));
            if (dataCenter.Kind != SiteKind.DataCenter) throw new ArgumentException("Expected the Data Center site.", nameof(dataCenter));
            if (cloud.Kind != SiteKind.Cloud) throw new ArgumentException("Expected the Cloud site.", nameof(cloud));

            var warnings = new List<string>();
            void Warn(string message)
            {
                warnings.Add(message);
                log.Warning("{Message:l}", message);
            }

            void WarnIf(bool warn, string message)
            {
                if (warn) Warn(message);
                else log.Information("{Message:l}", message);
            }

            UserMapOverrides? overrides = null;
            if (!string.IsNullOrEmpty(usersCsvPath))
            {
                if (File.Exists(usersCsvPath)) overrides = UserMapFile.Load(usersCsvPath!);
                else Warn($"The user map '{usersCsvPath}' does not exist; users pair by e-mail only.");
            }

            var dcReader = dataCenter.ListUsers();
            var dcUsers = await ReadAsync(dcReader, cancellationToken).ConfigureAwait(false);
            var cloudReader = cloud.ListUsers();
            var cloudUsers = await ReadAsync(cloudReader, cancellationToken).ConfigureAwait(false);

            var dcById = dcUsers.ToDictionary(u => u.Id, StringComparer.Ordinal);
            var cloudById = cloudUsers.ToDictionary(u => u.Id, StringComparer.Ordinal);

            // Override rows naming someone the listings lack: ask the site (deactivated users are not always listed).
            var overrideRows = overrides?.Rows ?? (IReadOnlyList<UserMapRow>)Array.Empty<UserMapRow>();
            var overrideDcUsers = new Dictionary<string, DirectoryUser>(StringComparer.Ordinal);
            var unlistedCloud = new Dictionary<string, DirectoryUser>(StringComparer.Ordinal);
            foreach (var row in overrideRows)
            {
                if (dcById.TryGetValue(row.DataCenterUserKey, out var known)) { overrideDcUsers[row.DataCenterUserKey] = known; }
                else
                {
                    var found = await dataCenter.GetUserAsync(row.DataCenterUserKey, cancellationToken).ConfigureAwait(false);
                    if (found is null) Warn($"{row.Location}: the Data Center site has no user with key '{row.DataCenterUserKey}'; the row is used as written.");
                    overrideDcUsers[row.DataCenterUserKey] = found ?? new DirectoryUser(row.DataCenterUserKey, null, null, null, false);
                }

                if (!cloudById.ContainsKey(row.CloudAccountId) && !unlistedCloud.ContainsKey(row.CloudAccountId))
                {
                    var account = await cloud.GetUserAsync(row.CloudAccountId, cancellationToken).ConfigureAwait(false);
                    if (account is null) Warn($"{row.Location}: the Cloud site has no account '{row.CloudAccountId}'; the row is used as written.");
                    else unlistedCloud.Add(account.Id, account);
                }
            }

            var map = new UserMap(
                dcUsers.Select(u => new DataCenterUser(u.Id, u.Username, u.Email, u.DisplayName)),
                cloudUsers.Select(u => new CloudUser(u.Id, u.Email, u.DisplayName)),
                overrides?.ByUserKey);

            // The report is read back from the map, so it says what the translator will do.
            var pairs = new List<UserPair>();
            var unpairedDc = new List<DirectoryUser>();
            foreach (var user in dcUsers.Concat(overrideDcUsers.Values.Where(u => !dcById.ContainsKey(u.Id))))
            {
                var account = map.ByDataCenterUserKey(user.Id)?.CounterpartId;
                if (account is null) { unpairedDc.Add(user); continue; }
                if (!cloudById.TryGetValue(account, out var cloudUser)) unlistedCloud.TryGetValue(account, out cloudUser);
                var row = overrideRows.FirstOrDefault(r => r.DataCenterUserKey == user.Id);
                pairs.Add(new UserPair(user, account, cloudUser, row != null ? UserPairing.Override : UserPairing.Email, row?.Location));
            }

            var unpairedCloud = cloudUsers.Where(u => map.ByCloudAccountId(u.Id)?.CounterpartId is null).ToList();
            var withheld = cloudUsers.Where(u => u.EmailWithheld).ToList();
            var dcWithoutEmail = dcUsers.Where(u => u.Email is null).ToList();
            var clashes = Clashes(SiteKind.DataCenter, dcUsers).Concat(Clashes(SiteKind.Cloud, cloudUsers)).ToList();

            foreach (var clash in clashes)
            {
                Warn($"{clash.Users.Count} {(clash.Site == SiteKind.Cloud ? "Cloud" : "Data Center")} users share the e-mail address {clash.Email} " +
                     $"({Names(clash.Users)}): none of them pairs by e-mail; add rows to users.map for them.");
            }

            // Missing e-mails are worth a warning only while someone is left unpaired: once users.map pairs them all,
            // there is nothing to act on and the log says it.
            if (withheld.Count > 0)
            {
                var stillUnpaired = withheld.Where(u => unpairedCloud.Contains(u)).ToList();
                WarnIf(stillUnpaired.Count > 0, $"Cloud withheld the e-mail of {Reporting.PendingChanges.Plural(withheld.Count, "user")}; {stillUnpaired.Count} of them {(stillUnpaired.Count == 1 ? "stays" : "stay")} unpaired unless users.map names them" +
                     (stillUnpaired.Count > 0 ? $" ({Names(stillUnpaired)})" : "") + ". " +
                     (cloudReader.EmailNotice ?? "The profiles hide it and the e-mail API did not return it."));
            }

            if (dcWithoutEmail.Count > 0)
            {
                var stillUnpaired = dcWithoutEmail.Where(u => unpairedDc.Contains(u)).ToList();
                WarnIf(stillUnpaired.Count > 0, $"The Data Center site gave no e-mail for {Reporting.PendingChanges.Plural(dcWithoutEmail.Count, "user")}; {stillUnpaired.Count} of them {(stillUnpaired.Count == 1 ? "stays" : "stay")} unpaired unless users.map names them" +
                     (stillUnpaired.Count > 0 ? $" ({Names(stillUnpaired)})" : "") + ". " +
                     (dcReader.EmailNotice ?? "Only users.map can pair them."));
            }

            var report = new UserDirectoryReport(dcUsers.Count, cloudUsers.Count, pairs, unpairedDc, unpairedCloud, withheld, dcWithoutEmail,
                clashes, warnings, dcReader.EmailNotice, cloudReader.EmailNotice);
            log.Information("User map: {Summary:l}", report.ToString());
            return new UserDirectory(map, report);
        }

        /// <summary>The whole listing, each id once: offset paging can return a user twice when users are added meanwhile.</summary>
        private static async Task<List<DirectoryUser>> ReadAsync(SiteUserReader reader, CancellationToken cancellationToken)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var users = new List<DirectoryUser>();
            while (await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                if (seen.Add(reader.Current.Id)) users.Add(reader.Current);
            }

            return users;
        }

        private static IEnumerable<EmailClash> Clashes(SiteKind site, IEnumerable<DirectoryUser> users) =>
            users.Where(u => u.Email != null)
                .GroupBy(u => u.Email!, StringComparer.OrdinalIgnoreCase)
                .Where(g => g.Count() > 1)
                .OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
                .Select(g => new EmailClash(site, g.Key, g.ToList()));

        private static string Names(IReadOnlyCollection<DirectoryUser> users) =>
            string.Join(", ", users.Take(NamesInLog).Select(u => u.ToString())) + (users.Count > NamesInLog ? $" and {users.Count - NamesInLog} more" : "");
    }
}
