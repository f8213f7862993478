using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.State
{
    /// <summary>
    /// Opens the state a scope file names: its SQLite file, or its schema in a PostgreSQL database. The PostgreSQL store
    /// lives in its own assembly (Npgsql needs .NET 8 or later, Core stays netstandard2.0), found by name beside Core
    /// and loaded into Core's own load context, so only a scope that names PostgreSQL ever loads it.
    /// </summary>
    public static class StateStores
    {
        public const string PostgreSqlAssemblyName = "SpaceSync.State.PostgreSql";
        private const string PostgreSqlStoreType = "SpaceSync.State.PostgreSql.PostgresStateStore";

        /// <summary>
        /// Whether a command that only reads may have any state to read, asking no server: a SQLite file must exist (reading
        /// creates none); a PostgreSQL schema may, and only <see cref="OpenToRead"/> can tell (null when it does not).
        /// </summary>
        public static bool MayHoldState(StateSettings settings)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            return settings.Provider == StateProvider.PostgreSql || File.Exists(settings.Path);
        }

        /// <summary>
        /// Opens (creating or migrating when needed) the state of <paramref name="settings"/>. <paramref name="connectionString"/>
        /// is PostgreSQL's, resolved from <see cref="StateSettings.Connection"/> by the host; unused for SQLite.
        /// </summary>
        /// <exception cref="StateStoreException">The state cannot be opened; the message never holds the connection string.</exception>
        public static StateStore Open(StateSettings settings, string? connectionString)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            if (settings.Provider == StateProvider.Sqlite)
            {
                return StateStore.Open(settings.Path);
            }

            if (string.IsNullOrEmpty(connectionString))
            {
                throw new StateStoreException(StateErrorKind.CannotOpen,
                    $"The {settings.Describe()} has no connection string: {settings.Connection} gave none.");
            }

            return (StateStore)Invoke(OpenMethod(settings, "Open"), connectionString!, settings.Schema)!;
        }

        /// <summary>
        /// Opens the state of <paramref name="settings"/> for a command that only reads it; null when there is none yet: a
        /// missing SQLite file is not made, a missing PostgreSQL schema is not created (see PostgresStateStore.OpenToRead).
        /// </summary>
        /// <exception cref="StateStoreException">The state cannot be opened; the message never holds the connection string.</exception>
        public static StateStore? OpenToRead(StateSettings settings, string? connectionString)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            if (settings.Provider == StateProvider.Sqlite)
            {
                return File.Exists(settings.Path) ? StateStore.Open(settings.Path) : null;
            }

            if (string.IsNullOrEmpty(connectionString))
            {
                throw new StateStoreException(StateErrorKind.CannotOpen,
                    $"The {settings.Describe()} has no connection string: {settings.Connection} gave none.");
            }

            return (StateStore?)Invoke(OpenMethod(settings, "OpenToRead"), connectionString!, settings.Schema);
        }

        private static MethodInfo OpenMethod(StateSettings settings, string name)
        {
            if (RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
            {
                throw new StateStoreException(StateErrorKind.CannotOpen,
                    $"The {settings.Describe()} needs PowerShell 7 (.NET 8 or later): its driver, Npgsql, does not run on Windows PowerShell 5.1 ({RuntimeInformation.FrameworkDescription}). Use pwsh, or a SQLite state (state: path).");
            }

            Assembly assembly;
            try
            {
                assembly = Assembly.Load(new AssemblyName(PostgreSqlAssemblyName));
            }
            catch (Exception e) when (e is FileNotFoundException || e is FileLoadException || e is BadImageFormatException)
            {
                throw new StateStoreException(StateErrorKind.CannotOpen,
                    $"The {settings.Describe()} needs {PostgreSqlAssemblyName}.dll beside SpaceSync.Core.dll, and it could not be loaded: {e.Message}", e);
            }

            return assembly.GetType(PostgreSqlStoreType, throwOnError: true)!
                .GetMethod(name, BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string), typeof(string) }, null)
                ?? throw new StateStoreException(StateErrorKind.CannotOpen, $"{PostgreSqlAssemblyName} has no {name}(connectionString, schema): it does not match this SpaceSync.Core.");
        }

        private static object? Invoke(MethodInfo open, string connectionString, string schema)
        {
            try
            {
                return open.Invoke(null, new object[] { connectionString, schema });
            }
            catch (TargetInvocationException e) when (e.InnerException is StateStoreException inner)
            {
                throw inner; // the store's own refusal, already worded without the connection string
            }
            catch (TargetInvocationException e) when (e.InnerException is ArgumentException)
            {
                // Npgsql's argument messages may quote the connection string: say what, not the text.
                throw new StateStoreException(StateErrorKind.CannotOpen, "The PostgreSQL connection string or schema name was refused (its text is not shown: it may hold a password).");
            }
            catch (TargetInvocationException e) when (e.InnerException != null)
            {
                // Anything else as the provider threw it, not wrapped by reflection.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }
    }
}
