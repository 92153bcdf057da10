// The engine's API speaks the base vocabulary (instants, IDs, SMTP replies, controls), so a
// module that imports the engine sees it too; modules that need only the vocabulary import
// SluiceBase and not the engine.
@_exported import SluiceBase
