namespace Fluxion

open System
open System.Threading

/// Nesting tags for differentiation: each grad/jvp call takes a fresh, larger tag, so an inner
/// derivative never confuses its perturbation with an outer one (perturbation confusion).
module internal NestTag =
    let mutable private counter = 0
    /// A fresh tag, unique across threads.
    let next () = Interlocked.Increment(&counter)
    /// Tag 0 belongs to PyTorch-style leaves that require grad (the imperative mode).
    [<Literal>]
    let Imperative = 0

/// Whether PyTorch-style (imperative) operations record a graph on this thread.
[<AbstractClass; Sealed>]
type GradMode =
    [<ThreadStatic; DefaultValue>]
    static val mutable private depth: int
    /// True unless inside a `NoGrad` scope.
    static member IsEnabled = GradMode.depth = 0
    /// Enters a scope in which imperative leaves are treated as constants; dispose it to leave.
    static member NoGrad() : IDisposable =
        GradMode.depth <- GradMode.depth + 1
        { new IDisposable with member _.Dispose() = GradMode.depth <- GradMode.depth - 1 }
