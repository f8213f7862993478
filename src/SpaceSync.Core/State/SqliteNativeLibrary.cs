using System;
using System.IO;
using System.Runtime.InteropServices;

namespace SpaceSync.Core.State
{
    /// <summary>
    /// Puts SQLite's native library into the process on .NET Framework (Windows PowerShell 5.1) before the first
    /// connection. SQLitePCLRaw's netstandard2.0 provider imports <c>e_sqlite3</c> by name, and .NET Framework looks
    /// for it beside powershell.exe, in the system folders and on PATH — never in the module's
    /// <c>runtimes/&lt;rid&gt;/native</c> folders — so every state-file cmdlet would fail with DllNotFoundException.
    /// Windows answers a load by name with a DLL of that name already in the process, wherever it came from, so
    /// loading the file for this process's architecture by its full path first is enough. On .NET (PowerShell 7)
    /// the module's load context resolves native libraries itself and nothing happens here.
    /// </summary>
    internal static class SqliteNativeLibrary
    {
        internal const string FileName = "e_sqlite3.dll";

        private static readonly object Gate = new object();
        private static string? s_loadedPath;

        /// <summary>Where the library was loaded from by <see cref="EnsureLoaded"/>, or null when nothing was needed.</summary>
        internal static string? LoadedPath => s_loadedPath;

        public static void EnsureLoaded()
        {
            if (!RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
            {
                return;
            }

            lock (Gate)
            {
                if (s_loadedPath is null)
                {
                    // Core sits in the module's Dependencies/ folder, beside runtimes/.
                    var folder = Path.GetDirectoryName(typeof(SqliteNativeLibrary).Assembly.Location) ?? ".";
                    s_loadedPath = Load(folder, RuntimeInformation.ProcessArchitecture, LoadLibrary);
                }
            }
        }

        /// <summary>The runtime folder NuGet gives a Windows process of this architecture.</summary>
        internal static string WindowsRuntime(Architecture architecture)
        {
            switch (architecture)
            {
                case Architecture.X64: return "win-x64";
                case Architecture.X86: return "win-x86";
                case Architecture.Arm64: return "win-arm64";
                default:
                    throw new PlatformNotSupportedException(
                        $"SpaceSync carries SQLite for x64, x86 and Arm64 Windows processes; this process is {architecture}.");
            }
        }

        /// <summary>The library's path below the Dependencies folder for a process of this architecture.</summary>
        internal static string RelativePath(Architecture architecture) =>
            Path.Combine("runtimes", WindowsRuntime(architecture), "native", FileName);

        /// <summary>
        /// Loads the library for <paramref name="architecture"/> from <paramref name="folder"/> with
        /// <paramref name="load"/> (0 = loaded, else the Windows error code) and returns its path.
        /// </summary>
        internal static string Load(string folder, Architecture architecture, Func<string, int> load)
        {
            var path = Path.Combine(folder, RelativePath(architecture));
            if (!File.Exists(path))
            {
                throw new StateStoreException(StateErrorKind.CannotOpen,
                    $"SQLite's native library for a {architecture} process is missing: '{path}'. " +
                    "The module's Dependencies folder is incomplete; reinstall the module.");
            }

            var error = load(path);
            if (error != 0)
            {
                // 193: not a valid Win32 application (a file of another architecture); 126: a dependency is missing.
                throw new StateStoreException(StateErrorKind.CannotOpen,
                    $"Windows could not load SQLite's native library '{path}' into this {architecture} process (Windows error {error}).");
            }

            return path;
        }

        private static int LoadLibrary(string path) =>
            LoadLibraryW(path) == IntPtr.Zero ? Marshal.GetLastWin32Error() : 0;

        [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr LoadLibraryW(string path);
    }
}
