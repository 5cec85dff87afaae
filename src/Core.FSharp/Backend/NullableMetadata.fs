namespace System.Runtime.CompilerServices

open System

/// Marks a member as possibly null for C#'s nullable analysis (it reads the attribute by name; 2 = nullable), so
/// `Tensor? g = p.Grad` is clean and `Tensor g = p.Grad` warns. F# does not emit it itself while its own nullness
/// checking is off (enabling that project-wide would make every `Tensor` parameter non-null for C#).
[<Sealed; AttributeUsage(AttributeTargets.Property ||| AttributeTargets.ReturnValue ||| AttributeTargets.Parameter ||| AttributeTargets.Field, AllowMultiple = false, Inherited = false)>]
type internal NullableAttribute(flag: byte) =
    inherit Attribute()
    /// The nullability flags (one per type in the signature).
    member _.NullableFlags : byte[] = [| flag |]
