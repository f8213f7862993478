using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace SpaceSync.PowerShell.Loading
{
    /// <summary>
    /// The private load context for SpaceSync.Core and its third-party dependencies.
    /// Framework assemblies (System.*, Microsoft.Bcl.*, netstandard) come from the host whenever it has
    /// them at least as new as asked: their types must be the runtime's own, or values could not cross
    /// between our code and the framework. Everything else in Dependencies/ is loaded privately, whatever
    /// version of the same name another module has loaded.
    /// </summary>
    internal sealed class DependencyLoadContext : AssemblyLoadContext
    {
        private readonly string _folder;
        private readonly Dictionary<string, string> _hostAssemblies;

        public DependencyLoadContext(string folder)
        {
            _folder = folder;
            _hostAssemblies = ReadTrustedPlatformAssemblies();
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var simpleName = assemblyName.Name;
            if (simpleName is null)
            {
                return null;
            }

            var path = Path.Combine(_folder, simpleName + ".dll");
            if (!File.Exists(path))
            {
                return null; // not ours: the default context resolves it
            }

            if (IsFrameworkName(simpleName) && HostHasAtLeast(simpleName, assemblyName.Version))
            {
                return null;
            }

            return LoadFromAssemblyPath(path);
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            // Native libraries that NuGet packages ship under runtimes/<rid>/native (SQLite's e_sqlite3).
            foreach (var candidate in NativeCandidates(unmanagedDllName))
            {
                if (File.Exists(candidate))
                {
                    return LoadUnmanagedDllFromPath(candidate);
                }
            }

            return IntPtr.Zero;
        }

        private IEnumerable<string> NativeCandidates(string name)
        {
            string os, prefix, extension;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { os = "win"; prefix = ""; extension = ".dll"; }
            else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) { os = "osx"; prefix = "lib"; extension = ".dylib"; }
            else { os = "linux"; prefix = "lib"; extension = ".so"; }

            var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
            var fileNames = new List<string> { name };
            if (!name.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                fileNames.Add(name + extension);
                if (!name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    fileNames.Add(prefix + name + extension);
                }
            }

            foreach (var rid in new[] { os + "-" + arch, os })
            {
                foreach (var fileName in fileNames)
                {
                    yield return Path.Combine(_folder, "runtimes", rid, "native", fileName);
                }
            }

            foreach (var fileName in fileNames)
            {
                yield return Path.Combine(_folder, fileName);
            }
        }

        private static bool IsFrameworkName(string name) =>
            name == "netstandard" ||
            name.StartsWith("System.", StringComparison.Ordinal) ||
            name.StartsWith("Microsoft.Bcl.", StringComparison.Ordinal) ||
            name.StartsWith("Microsoft.Win32.", StringComparison.Ordinal);

        private bool HostHasAtLeast(string name, Version? wanted)
        {
            if (!_hostAssemblies.TryGetValue(name, out var hostPath))
            {
                return false;
            }

            try
            {
                var hostVersion = AssemblyName.GetAssemblyName(hostPath).Version;
                return wanted is null || (hostVersion is not null && hostVersion >= wanted);
            }
            catch (Exception e) when (e is IOException || e is BadImageFormatException)
            {
                return false;
            }
        }

        // The host's own assemblies: the runtime's and pwsh's, as the runtime was told at start-up.
        private static Dictionary<string, string> ReadTrustedPlatformAssemblies()
        {
            var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
            {
                foreach (var path in list.Split(Path.PathSeparator))
                {
                    if (path.Length > 0)
                    {
                        result[Path.GetFileNameWithoutExtension(path)] = path;
                    }
                }
            }

            return result;
        }
    }
}
