namespace Fluxion

open System

/// A shape problem (mismatch, broadcast failure, negative or too large size); the message names the op and the shapes.
type ShapeException =
    inherit ArgumentException
    /// A shape error with a message naming the op and the shapes involved.
    new(message: string) = { inherit ArgumentException(message) }
    /// A shape error about one parameter (the message ends with "(Parameter 'name')", as for ArgumentException).
    new(message: string, paramName: string) = { inherit ArgumentException(message, paramName) }
