namespace Fluxion.Backends.Torch

open System
open Fluxion
open Fluxion.Backend
open Fluxion.Ops

/// The backends a program can choose between.
type BackendKind =
    /// The pure .NET backend (the default; PyTorch-exact float32 kernels, fastest on tiny tensors).
    | Managed = 0
    /// libtorch through TorchSharp (fast on large tensors; needs GCC 13's libstdc++ on Linux).
    | Torch = 1

/// Choosing the backend new tensors are created on, and moving tensors between backends.
module Backends =
    /// The environment variable that picks the backend of a whole program: `managed` or `torch`.
    [<Literal>]
    let EnvironmentVariable = "FLUXION_BACKEND"

    /// The backend of a kind (raises TorchBackendUnavailableException for Torch when libtorch cannot load).
    let get (kind: BackendKind) : IBackend =
        match kind with
        | BackendKind.Managed -> ManagedBackend.Instance
        | BackendKind.Torch -> TorchBackend.Instance
        | _ -> invalidArg "kind" (sprintf "Backends.get: unknown backend kind %d (expected Managed or Torch)" (int kind))

    /// Makes `kind` the backend new tensors are created on (sets Creation.defaultBackend).
    let select (kind: BackendKind) = Creation.defaultBackend <- get kind

    /// Same as `select` (the name the design uses; `use` is an F# keyword, hence the backticks).
    let ``use`` (kind: BackendKind) = select kind

    /// The kind named by a setting value: `managed` or `torch` (case-insensitive), or an ArgumentException.
    let parse (value: string) : BackendKind =
        match (if isNull value then "" else value.Trim().ToLowerInvariant()) with
        | "managed" -> BackendKind.Managed
        | "torch" -> BackendKind.Torch
        | _ -> invalidArg "value" (sprintf "Backends.parse: %s=%A is not a backend; expected \"managed\" or \"torch\"" EnvironmentVariable value)

    /// Selects the backend named by FLUXION_BACKEND (managed when unset or empty) and returns its kind.
    let fromEnvironment () : BackendKind =
        let v = Environment.GetEnvironmentVariable EnvironmentVariable
        let kind = if String.IsNullOrWhiteSpace v then BackendKind.Managed else parse v
        select kind
        kind

    /// The raw data copied onto another backend (the same object when it is already there).
    let moveRaw (b: IBackend) (r: RawTensor) : RawTensor =
        if obj.ReferenceEquals(r.Backend, b) then r
        else
            match r.Dtype with
            | Dtype.Float32 -> b.OfFloat32(r.ToFloat32Array(), Array.copy r.Shape)
            | Dtype.Float64 -> b.OfFloat64(r.ToDoubleArray(), Array.copy r.Shape)
            | Dtype.Int64 -> b.OfInt64(r.ToInt64Array(), Array.copy r.Shape)
            // IBackend has no int32 constructor: int64 then a narrowing cast, exact for int32 values.
            | Dtype.Int32 -> b.OfInt64(r.ToInt64Array(), Array.copy r.Shape).Cast Dtype.Int32
            | _ -> b.OfBool(r.ToBoolArray(), Array.copy r.Shape)

    /// The tensor with its data copied onto backend `b`; differentiable (gradients flow back to the source backend).
    let toBackend (b: IBackend) (t: Tensor) : Tensor =
        if obj.ReferenceEquals(t.Raw.Backend, b) then t
        elif not (Dtype.isFloat t.Dtype) then Tensor.OfRaw(moveRaw b t.Raw)
        else
            let source = t.Raw.Backend
            let rec move (target: IBackend) (back: IBackend) (x: Tensor) : Tensor =
                if obj.ReferenceEquals(x.Raw.Backend, target) then x
                else
                    Tensor.ApplyUnary({ new UnaryOp("ToCopyBackward0") with
                        member _.Forward r = moveRaw target r
                        member _.Jvp(_, dx, _) = move target back dx
                        member _.Vjp(_, _, g) = move back target g }, x)
            move b source t

    /// The tensor on the backend of a kind (see toBackend).
    let toKind (kind: BackendKind) (t: Tensor) : Tensor = toBackend (get kind) t
