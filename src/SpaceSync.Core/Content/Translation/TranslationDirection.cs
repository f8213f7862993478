namespace SpaceSync.Core.Content.Translation
{
    /// <summary>Which way a body crosses: from the site it was read on to the site it will be written to.</summary>
    public enum TranslationDirection
    {
        DataCenterToCloud,
        CloudToDataCenter,
    }
}
