using SpaceSync.Core.Content.Translation;
using SpaceSync.Core.Sync;
using SpaceSync.Emulator.Store;

namespace SpaceSync.Core.Tests.Sync.Comments;

/// <summary>
/// A real <see cref="StorageTranslator"/> behind <see cref="IBodyTranslator"/>, with the users of both emulators paired by
/// e-mail as the run's user map pairs them (and no page map: comment tests link no pages).
/// </summary>
public sealed class StorageBodyTranslator : IBodyTranslator
{
    private readonly StorageTranslator _translator;

    public StorageBodyTranslator(EmulatorState dataCenter, EmulatorState cloud)
    {
        var users = new UserMap(
            dataCenter.GetUsers().Select(u => new DataCenterUser(u.UserKey, u.Username, u.Email, u.DisplayName)),
            cloud.GetUsers().Select(u => new CloudUser(u.AccountId, u.Email, u.DisplayName)));
        _translator = new StorageTranslator(new TranslationContext(users, PageMap.Empty));
    }

    /// <summary>Any translator (a page map, other users) behind the interface.</summary>
    public StorageBodyTranslator(StorageTranslator translator) => _translator = translator;

    public int Calls { get; private set; }

    public Task<TranslationResult> TranslateAsync(string storageBody, SyncSide from, CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult(_translator.Translate(storageBody,
            from == SyncSide.DataCenter ? TranslationDirection.DataCenterToCloud : TranslationDirection.CloudToDataCenter));
    }
}
