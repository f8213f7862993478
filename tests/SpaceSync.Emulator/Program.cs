// Placeholder entry point; the emulator is built out in tests/SpaceSync.Emulator.
return 0;
