namespace Fluxion

/// Version information for the Fluxion engine.
module Info =
    /// The library's version string.
    let version = "0.1.0"
