import SluiceControl

// SluiceCore has engine-side types of the same names (the engine's controls); these tests mean
// the control plane's.
typealias ControlCommand = SluiceControl.ControlCommand
typealias ControlError = SluiceControl.ControlError
typealias ControlTarget = SluiceControl.ControlTarget
typealias ControlRequest = SluiceControl.ControlRequest
