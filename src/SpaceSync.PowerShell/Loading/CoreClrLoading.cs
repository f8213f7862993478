using System.Reflection;
using System.Runtime.Loader;

namespace SpaceSync.PowerShell.Loading
{
    /// <summary>
    /// PowerShell 7 only. Kept apart from ModuleInitializer so that Windows PowerShell never JIT-compiles
    /// a method that mentions AssemblyLoadContext.
    /// </summary>
    internal static class CoreClrLoading
    {
        private static DependencyLoadContext? s_context;

        public static void Register(string dependencyFolder)
        {
            s_context ??= new DependencyLoadContext(dependencyFolder);
            AssemblyLoadContext.Default.Resolving += ResolveCore;
        }

        public static void Unregister()
        {
            AssemblyLoadContext.Default.Resolving -= ResolveCore;
        }

        // The cmdlet assembly lives in the default context and asks for SpaceSync.Core; the answer comes
        // from the private context, and everything Core references then resolves inside that context.
        private static Assembly? ResolveCore(AssemblyLoadContext defaultContext, AssemblyName name)
        {
            if (s_context is null || name.Name != ModuleInitializer.CoreAssemblyName)
            {
                return null;
            }

            return s_context.LoadFromAssemblyName(name);
        }
    }
}
