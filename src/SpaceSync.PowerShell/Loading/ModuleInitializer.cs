using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace SpaceSync.PowerShell.Loading
{
    /// <summary>
    /// Runs when the module is imported. SpaceSync.Core and every third-party assembly live in the
    /// module's Dependencies/ folder, where PowerShell's own probing does not look; this hooks
    /// resolution so they load from there — into a private AssemblyLoadContext on PowerShell 7
    /// (another module's YamlDotNet, Serilog or Polly cannot clash with ours), or from that folder
    /// on Windows PowerShell 5.1, which has no load contexts.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        internal const string CoreAssemblyName = "SpaceSync.Core";

        private static readonly string DependencyFolder = Path.Combine(
            Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".", "Dependencies");

        public void OnImport()
        {
            if (IsCoreClr)
            {
                CoreClrLoading.Register(DependencyFolder);
            }
            else
            {
                AppDomain.CurrentDomain.AssemblyResolve += ResolveFromDependencyFolder;
            }
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            if (IsCoreClr)
            {
                CoreClrLoading.Unregister();
            }
            else
            {
                AppDomain.CurrentDomain.AssemblyResolve -= ResolveFromDependencyFolder;
            }
        }

        // "Core" here means .NET (Core), i.e. PowerShell 7: only there does AssemblyLoadContext exist.
        private static bool IsCoreClr =>
            !System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription
                .StartsWith(".NET Framework", StringComparison.Ordinal);

        private static Assembly? ResolveFromDependencyFolder(object? sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name);
            var path = Path.Combine(DependencyFolder, name.Name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }
    }
}
