using System.Management.Automation;

namespace SpaceSync.PowerShell.Hosting
{
    /// <summary>What the caller asked the streams to show, for work that costs something to produce.</summary>
    internal static class StreamPreferences
    {
        /// <summary>-Debug on the command, or $DebugPreference other than SilentlyContinue in its scope.</summary>
        public static bool WantsDebug(PSCmdlet cmdlet)
        {
            if (cmdlet.MyInvocation.BoundParameters.TryGetValue("Debug", out var bound) && bound is SwitchParameter debug)
            {
                return debug.IsPresent;
            }

            // A preference set as text ($DebugPreference = 'Continue') stays text in the variable; PowerShell converts it on use.
            return LanguagePrimitives.TryConvertTo<ActionPreference>(cmdlet.GetVariableValue("DebugPreference"), out var preference)
                && preference != ActionPreference.SilentlyContinue && preference != ActionPreference.Ignore;
        }
    }
}
