using System;
using System.Collections.Generic;
using System.Linq;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;

namespace SpaceSync.Core.Logging
{
    public enum EngineLogLevel { Debug, Information, Warning, Error }

    /// <summary>
    /// The engine's log: structured events to the scope's rolling compact-JSON file (for runbooks and audits)
    /// and, rendered as text, to the host (the PowerShell layer turns them into Verbose/Debug/Warning records).
    /// Serilog stays behind this class: no static Log.Logger, no Serilog type in what callers see.
    /// Every secret the run resolved is registered here and masked in both outputs, in every wire form, whatever a message holds.
    /// </summary>
    public sealed class EngineLog : IDisposable
    {
        public const string Mask = SecretRedactor.Mask;

        private readonly Logger _logger;
        private readonly SecretRedactor _secrets;

        private EngineLog(Logger logger, SecretRedactor secrets)
        {
            _logger = logger;
            _secrets = secrets;
        }

        /// <summary>A log that writes nowhere (tests, or a scope without logging.path and no host sink).</summary>
        public static EngineLog None { get; } = Create(null, null);

        /// <param name="settings">The scope's logging section; null or no path = no file.</param>
        /// <param name="hostSink">Receives each event rendered as text, with secrets masked; may be called on any thread.</param>
        /// <param name="secrets">The caller's redactor, shared with its other outputs; null = one of the log's own.</param>
        /// <param name="pageSink">
        /// Receives each <see cref="WarnOfPage"/> as the warning (secrets masked) and its text,
        /// instead of <paramref name="hostSink"/>, so a host can group them by kind; may be called on any thread. Null = they
        /// reach <paramref name="hostSink"/> as text like any warning.
        /// </param>
        /// <param name="hostLevel">
        /// The host also gets events from this level up, below the file's level (-Debug asks for the Debug events whatever
        /// logging.level the scope sets); null = the file's level.
        /// </param>
        public static EngineLog Create(LoggingSettings? settings, Action<EngineLogLevel, string>? hostSink, SecretRedactor? secrets = null,
            Action<PageWarning, string>? pageSink = null, EngineLogLevel? hostLevel = null)
        {
            secrets ??= new SecretRedactor();
            var fileLevel = ParseLevel(settings?.Level);
            var hostMinimum = hostLevel is EngineLogLevel asked && ToSerilog(asked) < fileLevel ? ToSerilog(asked) : fileLevel;
            var configuration = new LoggerConfiguration()
                .MinimumLevel.Is(hostSink != null || pageSink != null ? hostMinimum : fileLevel)
                .Enrich.WithProperty("Application", "SpaceSync");

            if (!string.IsNullOrEmpty(settings?.Path))
            {
                configuration = configuration.WriteTo.Sink(new MaskingSink(secrets, new LoggerConfiguration()
                    .MinimumLevel.Verbose()
                    .WriteTo.File(new CompactJsonFormatter(), settings!.Path!, rollingInterval: RollingInterval.Day,
                        retainedFileCountLimit: 31, shared: true)
                    .CreateLogger(), toFile: true), restrictedToMinimumLevel: fileLevel);
            }

            if (hostSink != null || pageSink != null)
            {
                configuration = configuration.WriteTo.Sink(new MaskingSink(secrets, new HostSink(hostSink, pageSink), toFile: false), restrictedToMinimumLevel: hostMinimum);
            }

            return new EngineLog(configuration.CreateLogger(), secrets);
        }

        /// <summary>
        /// A secret value this run holds (a resolved token) and, for Basic, its user: masked in every wire form
        /// (see <see cref="SecretRedactor"/>) wherever it would appear.
        /// </summary>
        public void RegisterSecret(string? secret, string? user = null) => _secrets.Add(secret, user);

        public void Debug(string template, params object?[] values) => Write(EngineLogLevel.Debug, template, values);

        public void Information(string template, params object?[] values) => Write(EngineLogLevel.Information, template, values);

        public void Warning(string template, params object?[] values) => Write(EngineLogLevel.Warning, template, values);

        public void Error(Exception? exception, string template, params object?[] values) =>
            _logger.Write(LogEventLevel.Error, exception, template, values);

        public void Write(EngineLogLevel level, string template, params object?[] values) =>
            _logger.Write(ToSerilog(level), template, values);

        /// <summary>
        /// A warning about one page: written to the file exactly as <see cref="Warning"/> would write it (the file does not
        /// change), and handed to the host's page sink with its kind and ids, so the host groups by kind, not by text.
        /// </summary>
        public void WarnOfPage(PageWarning warning, string template, params object?[] values) =>
            _logger.ForContext(new PageWarningProperty(warning, hostOnly: false)).Write(LogEventLevel.Warning, template, values);

        /// <summary>
        /// A page warning the host should count again though the log file already holds it from the run that found it (a
        /// restricted page remembered from the last full listing, see SyncRunner): to the page sink only, nowhere else.
        /// </summary>
        public void WarnOfRememberedPage(PageWarning warning, string template, params object?[] values) =>
            _logger.ForContext(new PageWarningProperty(warning, hostOnly: true)).Write(LogEventLevel.Warning, template, values);

        // The page warning rides on its event as a property that only the sinks here read; the file never sees it.
        private const string WarningProperty = "SpaceSync.PageWarning";
        private const string HostOnlyProperty = "SpaceSync.HostOnly";

        private sealed class PageWarningProperty : ILogEventEnricher
        {
            private readonly PageWarning _warning;
            private readonly bool _hostOnly;

            public PageWarningProperty(PageWarning warning, bool hostOnly)
            {
                _warning = warning ?? throw new ArgumentNullException(nameof(warning));
                _hostOnly = hostOnly;
            }

            public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
            {
                logEvent.AddOrUpdateProperty(new LogEventProperty(WarningProperty, new ScalarValue(_warning)));
                if (_hostOnly) logEvent.AddOrUpdateProperty(new LogEventProperty(HostOnlyProperty, new ScalarValue(true)));
            }
        }

        public void Dispose() => _logger.Dispose();

        private static LogEventLevel ParseLevel(string? level) =>
            Enum.TryParse<LogEventLevel>(level, ignoreCase: true, out var parsed) ? parsed : LogEventLevel.Information;

        private static LogEventLevel ToSerilog(EngineLogLevel level) => level switch
        {
            EngineLogLevel.Debug => LogEventLevel.Debug,
            EngineLogLevel.Warning => LogEventLevel.Warning,
            EngineLogLevel.Error => LogEventLevel.Error,
            _ => LogEventLevel.Information,
        };

        private static EngineLogLevel FromSerilog(LogEventLevel level) => level switch
        {
            LogEventLevel.Verbose or LogEventLevel.Debug => EngineLogLevel.Debug,
            LogEventLevel.Warning => EngineLogLevel.Warning,
            LogEventLevel.Error or LogEventLevel.Fatal => EngineLogLevel.Error,
            _ => EngineLogLevel.Information,
        };

        /// <summary>Applies the redactor to a Serilog property value, however nested.</summary>
        private static LogEventPropertyValue Apply(SecretRedactor secrets, LogEventPropertyValue value) => value switch
        {
            ScalarValue { Value: string s } => new ScalarValue(secrets.Redact(s)),
            ScalarValue { Value: PageWarning w } => new ScalarValue(w with { Title = secrets.Redact(w.Title), Message = secrets.Redact(w.Message) }),
            SequenceValue seq => new SequenceValue(seq.Elements.Select(e => Apply(secrets, e))),
            StructureValue st => new StructureValue(st.Properties.Select(p => new LogEventProperty(p.Name, Apply(secrets, p.Value))), st.TypeTag),
            DictionaryValue d => new DictionaryValue(d.Elements.Select(kv => new KeyValuePair<ScalarValue, LogEventPropertyValue>(kv.Key, Apply(secrets, kv.Value)))),
            _ => value,
        };

        /// <summary>Rewrites every string property (and the exception text) with secrets masked, then passes the event on.</summary>
        private sealed class MaskingSink : ILogEventSink, IDisposable
        {
            private readonly SecretRedactor _secrets;
            private readonly ILogEventSink _inner;
            private readonly bool _toFile;

            public MaskingSink(SecretRedactor secrets, ILogEventSink inner, bool toFile)
            {
                _secrets = secrets;
                _inner = inner;
                _toFile = toFile;
            }

            public void Emit(LogEvent logEvent)
            {
                // The file gets neither a host-only event nor the page warning's property: its lines stay as they were.
                if (_toFile && logEvent.Properties.ContainsKey(HostOnlyProperty)) return;
                // No shortcut when no secret is registered: a credential after Bearer/Basic is hidden all the same.
                var exception = logEvent.Exception is null ? null : new MaskedException(_secrets.Redact(logEvent.Exception.ToString()));
                var masked = new LogEvent(
                    logEvent.Timestamp, logEvent.Level, exception, logEvent.MessageTemplate,
                    logEvent.Properties.Where(p => !_toFile || (p.Key != WarningProperty && p.Key != HostOnlyProperty))
                        .Select(p => new LogEventProperty(p.Key, Apply(_secrets, p.Value))));
                _inner.Emit(masked);
            }

            // The logger disposes its sinks; this passes it on so the file is flushed and closed.
            public void Dispose() => (_inner as IDisposable)?.Dispose();
        }

        /// <summary>An exception's text after masking (the original may carry a secret in its message).</summary>
        private sealed class MaskedException : Exception
        {
            private readonly string _text;

            public MaskedException(string text) : base(text.Split('\n')[0].Trim()) => _text = text;

            public override string ToString() => _text;
        }

        private sealed class HostSink : ILogEventSink
        {
            private readonly Action<EngineLogLevel, string>? _write;
            private readonly Action<PageWarning, string>? _page;

            public HostSink(Action<EngineLogLevel, string>? write, Action<PageWarning, string>? page)
            {
                _write = write;
                _page = page;
            }

            public void Emit(LogEvent logEvent)
            {
                var text = logEvent.RenderMessage();
                if (logEvent.Exception != null) text += " " + logEvent.Exception.Message;
                var warning = logEvent.Properties.TryGetValue(WarningProperty, out var value) ? (value as ScalarValue)?.Value as PageWarning : null;
                if (warning != null && _page != null) _page(warning, text);
                else if (warning is null || !logEvent.Properties.ContainsKey(HostOnlyProperty)) _write?.Invoke(FromSerilog(logEvent.Level), text);
            }
        }
    }
}
