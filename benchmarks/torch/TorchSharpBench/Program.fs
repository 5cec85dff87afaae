/// TorchSharp twins of Fluxion.Bench's workloads (same data, seeds and iteration counts as
/// benchmarks/pytorch_twins.py), written the way a TorchSharp user would: torch.nn modules, torch.optim,
/// one dispose scope per iteration. Prints one JSON object in Fluxion.Bench's format (side "torchsharp").
/// Usage: TorchSharpBench <W1..W8|K1_512|K1_1024> [--runs N] [--warmup N] [--iters N] [--quick]
/// libtorch's intra-op threads come from FLUXION_TORCH_THREADS (default 1).
module TorchSharpBench.Program

open System
open System.Diagnostics
open System.Globalization
open TorchSharp

type T = torch.Tensor
type F = torch.nn.functional

let mutable private itersOverride = 0
let private pick quick full = if quick then 1 elif itersOverride > 0 then itersOverride else full

let private trainingPairs () =
    torch.manual_seed 0L |> ignore
    let x = torch.rand(100L).mul(2.0f.ToScalar())
    let d = x.sub(0.9f.ToScalar())
    let y = x.add(d.pow(2.0f.ToScalar()).mul(2.0f.ToScalar())).add(torch.cos(x.mul(20.0f.ToScalar())).mul(0.3f.ToScalar())).add(torch.randn(100L).mul(0.1f.ToScalar()))
    x.DetachFromDisposeScope(), y.DetachFromDisposeScope()

let private linear (i: int) (o: int) = torch.nn.Linear(int64 i, int64 o)
let private parameters (layers: seq<TorchSharp.Modules.Linear>) = layers |> Seq.collect (fun l -> l.parameters()) |> Array.ofSeq

/// Forward through Linear layers with ReLU between them.
let private forwardRelu (layers: TorchSharp.Modules.Linear[]) (x: T) =
    let mutable h = x
    for i in 0 .. layers.Length - 1 do
        h <- layers.[i].forward h
        if i < layers.Length - 1 then h <- F.relu h
    h

/// With TSB_PROFILE=1, `fit` prints its per-phase µs per iteration to stderr (Fluxion.Bench --profile's phases).
let private profiling = Environment.GetEnvironmentVariable "TSB_PROFILE" = "1"

/// A training loop with an optimizer: zero_grad, forward, backward, item, step, inside a dispose scope.
let private fit (iters: int) (opt: torch.optim.Optimizer) (loss: unit -> T) =
    let mutable last = nan
    let ticks = Array.zeroCreate<int64> 4
    let mutable t0 = 0L
    let lap (i: int) =
        let t = Stopwatch.GetTimestamp()
        ticks.[i] <- ticks.[i] + (t - t0)
        t0 <- t
    for _ in 1 .. iters do
        use _ = torch.NewDisposeScope()
        t0 <- Stopwatch.GetTimestamp()
        opt.zero_grad()
        let l = loss ()
        lap 0
        l.backward()
        lap 1
        last <- float (l.item<float32>())
        lap 2
        opt.step() |> ignore
        lap 3
    if profiling then
        let us i = float ticks.[i] * 1e6 / float Stopwatch.Frequency / float iters
        eprintfn "{\"side\": \"torchsharp\", \"us_per_iter\": {\"forward\": %.2f, \"backward\": %.2f, \"item\": %.2f, \"step\": %.2f}}" (us 0) (us 1) (us 2) (us 3)
    last

let w1 quick =
    let iters = pick quick 4000
    let x, y = trainingPairs ()
    let y = y.unsqueeze(1L)
    let feats = torch.stack([| x; x.pow(2.0f.ToScalar()) |], 1L)
    torch.manual_seed 0L |> ignore
    let model = linear 2 1
    let ps = model.parameters() |> Array.ofSeq
    let mutable last = nan
    for _ in 1 .. iters do
        use _ = torch.NewDisposeScope()
        let loss = F.mse_loss(model.forward feats, y)
        model.zero_grad()
        loss.backward()
        last <- float (loss.item<float32>())
        use _ = torch.no_grad()
        for p in ps do p.sub_(p.grad.mul(1e-2f.ToScalar())) |> ignore
    iters, last

let w2 quick =
    let iters = pick quick 4000
    let x, y = trainingPairs ()
    let x, y = x.unsqueeze(1L), y.unsqueeze(1L)
    torch.manual_seed 0L |> ignore
    let layers = [| linear 1 3; linear 3 1 |]
    let opt = torch.optim.SGD(parameters layers, 1e-2)
    iters, fit iters opt (fun () -> F.mse_loss(forwardRelu layers x, y))

let w3 quick =
    let iters = pick quick 8000
    torch.manual_seed 0L |> ignore
    let x = torch.linspace(0.0, 2.2, 16L).unsqueeze(1L)
    let y = torch.cos(x.mul((2.0 * Math.PI).ToScalar())).add(torch.randn_like(x).mul(0.1f.ToScalar()))
    let layers = [| linear 1 10; linear 10 10; linear 10 10; linear 10 1 |]
    let opt = torch.optim.SGD(parameters layers, 0.05)
    iters, fit iters opt (fun () -> F.mse_loss(forwardRelu layers x, y))

let private himmelblauRun (u0: float32) (v0: float32) (makeOpt: TorchSharp.Modules.Parameter[] -> torch.optim.Optimizer) maxSteps =
    let u = torch.nn.Parameter(torch.tensor(u0))
    let v = torch.nn.Parameter(torch.tensor(v0))
    let opt = makeOpt [| u; v |]
    let mutable prev = nan
    let mutable steps = 0
    let mutable go = true
    while go && steps < maxSteps do
        use _ = torch.NewDisposeScope()
        let a = u.pow(2.0f.ToScalar()).add(v).sub(11.0f.ToScalar())
        let b = u.add(v.pow(2.0f.ToScalar())).sub(7.0f.ToScalar())
        let loss = a.pow(2.0f.ToScalar()).add(b.pow(2.0f.ToScalar()))
        let lv = float (loss.item<float32>())
        steps <- steps + 1
        opt.zero_grad()
        loss.backward()
        opt.step() |> ignore
        if abs (lv - prev) < 1e-3 then go <- false
        prev <- lv
    steps, float (u.item<float32>())

let w4 quick =
    let maxSteps = if quick then 1 else 100
    let sgd m = fun (ps: TorchSharp.Modules.Parameter[]) -> torch.optim.SGD(ps, 0.01, momentum = m) :> torch.optim.Optimizer
    let runs =
        [| -1.0f, 0.0f, sgd 0.8; -1.0f, 0.0f, sgd 0.5; -1.0f, 0.0f, sgd 0.0
           3.0f, 0.0f, (fun ps -> torch.optim.Adam(ps, lr = 0.03) :> torch.optim.Optimizer)
           3.0f, 0.0f, (fun ps -> torch.optim.RMSProp(ps, lr = 0.03) :> torch.optim.Optimizer)
           3.0f, 0.0f, sgd 0.7 |]
    let mutable total, check = 0, 0.0
    for u0, v0, make in runs do
        let s, uf = himmelblauRun u0 v0 make maxSteps
        total <- total + s
        check <- check + uf
    total, check

let private mlp (widths: int[]) = Array.init (widths.Length - 1) (fun i -> linear widths.[i] widths.[i + 1])

let w5 quick =
    let iters, batch, hidden = if quick then 1, 64, 16 else pick quick 200, 1024, 256
    let x = torch.linspace(-2.0, 2.0, int64 batch).reshape(int64 batch, 1L)
    let y = torch.sin(x.mul(3.0f.ToScalar()))
    torch.manual_seed 0L |> ignore
    let layers = mlp [| 1; hidden; hidden; hidden; 1 |]
    let opt = torch.optim.SGD(parameters layers, 0.01)
    iters, fit iters opt (fun () -> F.mse_loss(forwardRelu layers x, y))

let w6 quick =
    let iters, batch, inF, hidden = if quick then 1, 16, 32, 16 else pick quick 100, 256, 784, 512
    torch.manual_seed 0L |> ignore
    let x = torch.randn(int64 batch, int64 inF)
    let targets = torch.arange(int64 batch).remainder(10L.ToScalar())
    let layers = mlp [| inF; hidden; hidden; 10 |]
    let opt = torch.optim.Adam(parameters layers, lr = 1e-3)
    iters, fit iters opt (fun () -> F.cross_entropy(forwardRelu layers x, targets))

let private rosenbrock (x: T) =
    let n = x.shape.[0]
    let a = x.narrow(0L, 0L, n - 1L)
    let b = x.narrow(0L, 1L, n - 1L)
    let d = b.sub(a.mul(a))
    let e = torch.ones_like(a).sub(a)
    d.mul(d).mul(100.0.ToScalar()).add(e.mul(e)).sum()

let w7 quick =
    let hessians, grads, dim = if quick then 1, 1, 8 else 20, 10000, 100
    let x0 = torch.tensor(Array.init dim (fun i -> 0.5 + 0.01 * float i), dtype = torch.float64)
    let mutable check = 0.0
    for _ in 1 .. hessians do
        use _ = torch.NewDisposeScope()
        // torch.autograd.functional.hessian(vectorize=False): one grad of each gradient component.
        let x = x0.detach().requires_grad_(true)
        let g = torch.autograd.grad([| rosenbrock x |], [| x |], retain_graph = true, create_graph = true).[0]
        let rows = Array.init dim (fun i -> torch.autograd.grad([| g.[int64 i] |], [| x |], retain_graph = true).[0])
        let h = torch.stack(rows, 0L)
        check <- check + h.[0L, 0L].item<float>()
    for i in 0 .. grads - 1 do
        use _ = torch.NewDisposeScope()
        let u = torch.tensor(-4.0 + 8.0 * float (i % 100) / 99.0, dtype = torch.float64).requires_grad_(true)
        let v = torch.tensor(-4.0 + 8.0 * float (i / 100 % 100) / 99.0, dtype = torch.float64).requires_grad_(true)
        let a = u.pow(2.0.ToScalar()).add(v).sub(11.0.ToScalar())
        let b = u.add(v.pow(2.0.ToScalar())).sub(7.0.ToScalar())
        let g = torch.autograd.grad([| a.mul(a).add(b.mul(b)) |], [| u; v |])
        check <- check + 1e-6 * g.[0].item<float>()
    hessians + grads, check

let w8 quick =
    let iters, len = if quick then 1, 256 else pick quick 500, 4096
    torch.manual_seed 0L |> ignore
    let t = torch.linspace(0.0, 8.0 * Math.PI, int64 len)
    let clean = torch.sin(t).reshape(1L, 1L, int64 len)
    let noisy = clean.add(torch.randn(int64 len).reshape(1L, 1L, int64 len).mul(0.3f.ToScalar()))
    let conv = torch.nn.Conv1d(1L, 1L, 31L, padding = 15L)
    let opt = torch.optim.SGD(conv.parameters(), 0.01)
    iters, fit iters opt (fun () -> F.mse_loss(conv.forward noisy, clean))

// K1's operands per size, made by the first (warm-up) run so that timed runs measure the products alone.
let private k1Operands = Collections.Generic.Dictionary<int, T * T>()

let k1 (n: int) (reps: int) =
    let a, b =
        match k1Operands.TryGetValue n with
        | true, ab -> ab
        | _ ->
            torch.manual_seed 0L |> ignore
            let ab = torch.rand(int64 n, int64 n), torch.rand(int64 n, int64 n)
            k1Operands[n] <- ab
            ab
    let mutable check = 0.0
    for _ in 1 .. reps do
        use _ = torch.NewDisposeScope()
        let c = torch.mm(a, b)
        check <- float (c.[0L, 0L].item<float32>())
    reps, check

[<EntryPoint>]
let main argv =
    let args = List.ofArray argv
    let o = BenchCli.options args
    let quick, runs, warmup = o.Quick, o.Runs, o.Warmup
    itersOverride <- o.Iters
    let name = match args with n :: _ -> n.ToUpperInvariant() | [] -> ""
    let work : (unit -> int * float) option =
        match name with
        | "W1" -> Some(fun () -> w1 quick)
        | "W2" -> Some(fun () -> w2 quick)
        | "W3" -> Some(fun () -> w3 quick)
        | "W4" -> Some(fun () -> w4 quick)
        | "W5" -> Some(fun () -> w5 quick)
        | "W6" -> Some(fun () -> w6 quick)
        | "W7" -> Some(fun () -> w7 quick)
        | "W8" -> Some(fun () -> w8 quick)
        | "K1_512" -> Some(fun () -> if quick then k1 64 1 else k1 512 4)
        | "K1_1024" -> Some(fun () -> if quick then k1 96 1 else k1 1024 1)
        | _ -> None
    match work with
    | None -> eprintfn "usage: TorchSharpBench <W1..W8|K1_512|K1_1024> [--runs N] [--warmup N] [--iters N] [--quick]"; 2
    | Some run ->
        let v = Environment.GetEnvironmentVariable "FLUXION_TORCH_THREADS"
        torch.set_num_threads(if String.IsNullOrWhiteSpace v then 1 else int v)
        for _ in 1 .. warmup do run () |> ignore
        let times = ResizeArray()
        let mutable last = 0, nan
        for _ in 1 .. runs do
            let sw = Stopwatch.StartNew()
            last <- run ()
            sw.Stop()
            times.Add sw.Elapsed.TotalSeconds
        let list (xs: seq<float>) = xs |> Seq.map BenchCli.num |> String.concat ", "
        let iters, check = last
        let extra =
            if name.StartsWith "K1" then
                let n = if name.EndsWith "1024" then (if quick then 96.0 else 1024.0) else (if quick then 64.0 else 512.0)
                sprintf ", \"gflops\": [%s]" (list (times |> Seq.map (fun t -> 2.0 * n * n * n * float iters / t / 1e9)))
            else ""
        printfn "{\"side\": \"torchsharp\", \"workload\": \"%s\", \"quick\": %b, \"iterations\": %d, \"runs_s\": [%s], \"compute_threads\": %d, \"processors\": %d, \"check\": %s%s}"
            name quick iters (list times) (torch.get_num_threads()) Environment.ProcessorCount (BenchCli.num check) extra
        0
