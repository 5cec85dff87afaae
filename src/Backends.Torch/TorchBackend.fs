namespace Fluxion.Backends.Torch

open System
open Fluxion
open Fluxion.Backend
open TorchSharp

/// A scope that frees, when disposed, the native memory of every libtorch tensor created inside it on this
/// thread (TorchSharp's DisposeScope); tensors made before the scope, such as parameters, are untouched.
[<Sealed>]
type TorchScope internal (scope: DisposeScope) =
    /// Keeps a tensor's data alive past this scope (moves it to the enclosing scope, or to none).
    member _.Keep(t: Tensor) : Tensor =
        match t.Raw with
        | :? TorchRaw as r -> r.Tensor.MoveToOuterDisposeScope() |> ignore
        | _ -> ()
        t
    interface IDisposable with
        member _.Dispose() = scope.Dispose()

/// Fluxion's backend on libtorch (TorchSharp 0.107, libtorch 2.10, CPU): kernels only, Fluxion's AD on top.
[<AbstractClass; Sealed>]
type TorchBackend =
    /// The backend; raises TorchBackendUnavailableException (saying why) when libtorch cannot load.
    static member Instance: IBackend =
        TorchLoader.ensure ()
        TorchBackendCore.Instance
    /// True when libtorch is loaded or loads now.
    static member IsAvailable: bool = TorchLoader.isAvailable ()
    /// Loads libtorch now; raises TorchBackendUnavailableException (saying why) when it cannot.
    static member EnsureLoaded() = TorchLoader.ensure ()
    /// Seeds libtorch's default CPU generator (PyTorch's `torch.manual_seed`).
    static member ManualSeed(seed: int64) =
        TorchLoader.ensure ()
        torch.manual_seed(seed) |> ignore
    /// Uniform samples in [0, 1) from libtorch's generator (PyTorch's `torch.rand`).
    static member Rand(shape: int[], [<Runtime.InteropServices.Optional; Runtime.InteropServices.DefaultParameterValue(Dtype.Float32)>] dtype: Dtype) : Tensor =
        TorchLoader.ensure ()
        let d = dtype
        if not (Dtype.isFloat d) then invalidArg "dtype" (sprintf "TorchBackend.Rand: expected a floating point dtype, got %s" (Dtype.name d))
        Tensor.OfRaw(TorchRaw(torch.rand(TorchTypes.longs shape, TorchTypes.scalarType d)))
    /// Standard normal samples from libtorch's generator (PyTorch's `torch.randn`).
    static member Randn(shape: int[], [<Runtime.InteropServices.Optional; Runtime.InteropServices.DefaultParameterValue(Dtype.Float32)>] dtype: Dtype) : Tensor =
        TorchLoader.ensure ()
        let d = dtype
        if not (Dtype.isFloat d) then invalidArg "dtype" (sprintf "TorchBackend.Randn: expected a floating point dtype, got %s" (Dtype.name d))
        Tensor.OfRaw(TorchRaw(torch.randn(TorchTypes.longs shape, TorchTypes.scalarType d)))
    /// In place uniform samples in [low, high) from libtorch's generator (PyTorch's `uniform_`); Torch tensors only.
    static member UniformInPlace(t: Tensor, low: float, high: float) =
        match t.Raw with
        | :? TorchRaw as r -> r.Tensor.uniform_(low, high) |> ignore
        | other -> invalidArg "t" (sprintf "TorchBackend.UniformInPlace: expected a tensor on the torch backend, got one on %s" other.Backend.Name)
    /// A scope whose libtorch intermediates are freed when it is disposed (see TorchScope).
    static member Scope() : TorchScope =
        TorchLoader.ensure ()
        new TorchScope(torch.NewDisposeScope())
    /// Sets libtorch's intra-op thread count (PyTorch's `torch.set_num_threads`); 1 is fastest for small tensors.
    static member SetNumThreads(n: int) =
        TorchLoader.ensure ()
        torch.set_num_threads(n)
    /// libtorch's intra-op thread count (PyTorch's `torch.get_num_threads`).
    static member GetNumThreads() : int =
        TorchLoader.ensure ()
        torch.get_num_threads()
