/// Shared helpers: running a case only where libtorch loads, and comparing raw tensors across backends.
module TorchTestUtil

open System
open Expecto
open Fluxion
open Fluxion.Backend
open Fluxion.Backends.Torch
open Fluxion.Ops

/// True inside .ci/torch-root.sh, where an unavailable libtorch is a failure rather than a skip.
let torchRequired = Environment.GetEnvironmentVariable "FLUXION_REQUIRE_TORCH" = "1"

/// Skips (or, when required, fails) a case on machines where libtorch cannot load.
let requireTorch () =
    try TorchBackend.EnsureLoaded()
    with :? TorchBackendUnavailableException as e ->
        if torchRequired then failtestf "libtorch must load here: %s" e.Message
        else skiptestf "libtorch cannot load on this machine (run .ci/torch-root.sh): %s" e.Message

/// A test case that runs on the Torch backend only where libtorch loads.
let torchCase (name: string) (body: unit -> unit) = testCase name (fun () -> requireTorch (); body ())

/// Runs `body` with `kind` as the default backend, restoring the previous one afterwards.
let withBackend (kind: BackendKind) (body: unit -> 'a) : 'a =
    let saved = Creation.defaultBackend
    Backends.select kind
    try body () finally Creation.defaultBackend <- saved

let managed = ManagedBackend.Instance
let torchB () = TorchBackend.Instance

/// Deterministic pseudo-random doubles in [lo, hi) (a 64-bit LCG; no dependence on any backend's generator).
let values (seed: int) (n: int) (lo: float) (hi: float) =
    let mutable s = uint64 seed * 6364136223846793005UL + 1442695040888963407UL
    Array.init n (fun _ ->
        s <- s * 6364136223846793005UL + 1442695040888963407UL
        lo + (hi - lo) * float (s >>> 11) / float (1UL <<< 53))

/// A float32 raw tensor of the given shape on backend `b`, from `values`.
let f32 (b: IBackend) (seed: int) (lo: float) (hi: float) (shape: int[]) =
    b.OfFloat32(values seed (Shape.numel shape) lo hi |> Array.map float32, shape)

/// Asserts equal dtype and shape, and values within |a-b| <= atol + rtol*|b| (NaNs must match).
let assertClose (what: string) (rtol: float) (atol: float) (expected: RawTensor) (actual: RawTensor) =
    Expect.equal actual.Dtype expected.Dtype (what + ": dtype")
    Expect.sequenceEqual actual.Shape expected.Shape (what + ": shape")
    let e = expected.ToDoubleArray()
    let a = actual.ToDoubleArray()
    for i in 0 .. e.Length - 1 do
        let ok =
            (Double.IsNaN e.[i] && Double.IsNaN a.[i]) || e.[i] = a.[i]
            || abs (e.[i] - a.[i]) <= atol + rtol * abs e.[i]
        if not ok then failtestf "%s: element %d is %.9g on torch but %.9g on managed" what i a.[i] e.[i]

/// Float32 tolerance used to compare the two backends' kernels.
let close32 what expected actual = assertClose what 2e-6 2e-6 expected actual

/// Computes `f` on both backends and compares (the torch result must live on the torch backend).
let sameOnBoth (what: string) (f: IBackend -> RawTensor) =
    let m = f managed
    let t = f (torchB ())
    Expect.equal t.Backend.Name "torch" (what + ": result backend")
    close32 what m t
