using System;
using System.IO;

namespace SpaceSync.Core.Files
{
    /// <summary>Files written whole or not at all: a reader never sees half a report or half a plan.</summary>
    public static class AtomicFile
    {
        /// <summary>
        /// Writes <paramref name="path"/> through a temporary file in the same folder (so the rename stays on one file system
        /// and is atomic), then moves it into place, replacing an existing file. With <paramref name="noClobber"/> an existing
        /// file stays and an <see cref="IOException"/> says so. The folder is created when missing.
        /// </summary>
        public static void Write(string path, Action<Stream> write, bool noClobber = false)
        {
            if (string.IsNullOrEmpty(path)) throw new ArgumentException("A path is required.", nameof(path));
            if (write is null) throw new ArgumentNullException(nameof(write));
            var full = Path.GetFullPath(path);
            var folder = Path.GetDirectoryName(full) ?? ".";
            if (noClobber && File.Exists(full)) throw new IOException($"The file '{full}' already exists (NoClobber).");
            Directory.CreateDirectory(folder);

            var temporary = Path.Combine(folder, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
                {
                    write(stream);
                }

                if (File.Exists(full))
                {
                    if (noClobber) throw new IOException($"The file '{full}' already exists (NoClobber).");
                    File.Replace(temporary, full, null);
                }
                else
                {
                    File.Move(temporary, full);
                }
            }
            finally
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
        }
    }
}
