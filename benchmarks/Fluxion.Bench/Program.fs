/// Runs one named workload in-process (1 warm-up + N timed runs) and prints one JSON object.
/// Usage: Fluxion.Bench <W1..W9|K1|K1_512|K1_1024> [--runs N] [--warmup N] [--iters N] [--quick]
module Fluxion.Bench.Program

open System
open System.Diagnostics
open System.Globalization
open System.IO
open Fluxion.Bench.Workloads
open Fluxion.Backends.Torch

/// Selects the backend named by FLUXION_BACKEND; on Torch, sets libtorch's intra-op threads from
/// FLUXION_TORCH_THREADS (default 1, PyTorch's count here) and frees each iteration's intermediates.
/// Returns the JSON side name and the compute threads.
let private selectBackend () =
    match Backends.fromEnvironment () with
    | BackendKind.Torch ->
        let v = Environment.GetEnvironmentVariable "FLUXION_TORCH_THREADS"
        let n = if String.IsNullOrWhiteSpace v then 1 else int v
        TorchBackend.SetNumThreads n
        iterationScope <- fun () -> TorchBackend.Scope() :> IDisposable
        "fluxion_torch", TorchBackend.GetNumThreads()
    // The managed backend's large products split over up to MatMul.maxThreads workers; all else is single-threaded.
    // FLUXION_STEPSCOPE=0 runs the steps without Tensor.StepScope (to measure what the scope costs or saves).
    // FLUXION_THREADS bounds those workers (the Torch-root comparison runs both sides at each thread count).
    | _ ->
        if Environment.GetEnvironmentVariable "FLUXION_STEPSCOPE" = "0" then iterationScope <- fun () -> null
        match Int32.TryParse(Environment.GetEnvironmentVariable "FLUXION_THREADS") with
        | true, n when n >= 1 -> Fluxion.Kernels.MatMul.maxThreads <- n
        | _ -> ()
        "fluxion", Fluxion.Kernels.MatMul.maxThreads

let private usage = "usage: Fluxion.Bench <W1|W2|W3|W4|W1C|W2C|W3C|W4C|W7C|W5|W6|W7|W8|W9|K1_512|K1_1024> [--runs N] [--warmup N] [--iters N] [--quick]"

let private workload (name: string) (size: Size) : (unit -> Outcome) option =
    match name.ToUpperInvariant() with
    | "W1" -> Some(fun () -> w1 size)
    | "W2" -> Some(fun () -> w2 size)
    | "W3" -> Some(fun () -> w3 size)
    | "W4" -> Some(fun () -> w4 size)
    | "W1C" -> Some(fun () -> w1c size)
    | "W2C" -> Some(fun () -> w2c size)
    | "W3C" -> Some(fun () -> w3c size)
    | "W4C" -> Some(fun () -> w4With true size)
    | "W7C" -> Some(fun () -> w7c size)
    | "W5" -> Some(fun () -> w5 size)
    | "W6" -> Some(fun () -> w6 size)
    | "W7" -> Some(fun () -> w7 size)
    | "W8" -> Some(fun () -> w8 size)
    | "W9" -> Some(fun () -> w9 size)
    | "K1_512" -> Some(fun () -> if size.Quick then k1 64 1 else k1 512 4)
    | "K1_1024" -> Some(fun () -> if size.Quick then k1 96 1 else k1 1024 1)
    | _ -> None

/// OS threads of this process right now (runtime threads included), from /proc when available.
let private osThreads () =
    try
        File.ReadAllLines "/proc/self/status"
        |> Array.tryFind (fun l -> l.StartsWith "Threads:")
        |> Option.map (fun l -> int (l.Substring(8).Trim()))
        |> Option.defaultValue -1
    with _ -> -1

[<EntryPoint>]
let main argv =
    let args = List.ofArray argv
    let o = BenchCli.options args
    let quick, runs, warmup = o.Quick, o.Runs, o.Warmup
    match args with
    | "--profile" :: name :: _ ->
        selectBackend () |> ignore
        let size = { Quick = false; Iters = o.Iters }
        match name.ToUpperInvariant() with
        | "W1" -> Profile.phases "W1" (w1Trainer size); 0
        | "W2" -> Profile.phases "W2" (w2Trainer size); 0
        | "W3" -> Profile.phases "W3" (w3Trainer size); 0
        | "W5" -> Profile.phases "W5" (w5Trainer size); 0
        | "W6" -> Profile.phases "W6" (w6Trainer size); 0
        | _ -> eprintfn "--profile takes W1, W2, W3, W5 or W6"; 2
    | name :: _ when not (name.StartsWith "--") ->
        match workload name { Quick = quick; Iters = o.Iters } with
        | None -> eprintfn "%s" usage; 2
        | Some run ->
            let side, threads = selectBackend ()
            for _ in 1 .. warmup do run () |> ignore
            let times = ResizeArray()
            let allocs = ResizeArray()
            let mutable last = { Iterations = 0; Check = nan }
            // Issue #18 asks for no gen-0 collection during the timed runs of the small workloads.
            let gen0Before = GC.CollectionCount 0
            for _ in 1 .. runs do
                let a0 = GC.GetAllocatedBytesForCurrentThread()
                let sw = Stopwatch.StartNew()
                last <- run ()
                sw.Stop()
                let a1 = GC.GetAllocatedBytesForCurrentThread()
                times.Add sw.Elapsed.TotalSeconds
                allocs.Add(float (a1 - a0) / float (max 1 last.Iterations))
            let gen0 = GC.CollectionCount 0 - gen0Before
            let list (xs: seq<float>) = xs |> Seq.map BenchCli.num |> String.concat ", "
            let extra =
                if name.ToUpperInvariant().StartsWith "K1" then
                    let n = if name.EndsWith "1024" then (if quick then 96.0 else 1024.0) else (if quick then 64.0 else 512.0)
                    let flops = 2.0 * n * n * n * float last.Iterations
                    sprintf ", \"gflops\": [%s]" (list (times |> Seq.map (fun t -> flops / t / 1e9)))
                else ""
            printfn "{\"side\": \"%s\", \"workload\": \"%s\", \"quick\": %b, \"iterations\": %d, \"runs_s\": [%s], \"alloc_bytes_per_iter\": %s, \"compute_threads\": %d, \"os_threads\": %d, \"processors\": %d, \"check\": %s, \"gen0_timed\": %d%s}"
                side (name.ToUpperInvariant()) quick last.Iterations (list times) (BenchCli.num (Seq.min allocs)) threads (osThreads ()) Environment.ProcessorCount (BenchCli.num last.Check) gen0 extra
            0
    | _ -> eprintfn "%s" usage; 2
