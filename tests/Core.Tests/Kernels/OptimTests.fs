module KernelsOptimTests

open System
open System.Text.Json
open Expecto
open Fluxion.Kernels
open Fluxion.Kernels.OptimKernels
open KernelsData

/// Himmelblau loss and autograd gradient with every tensor op rounded in float32 (spec section 6).
let private himmelblau32 (p: float32[]) (g: float32[]) =
    let u, v = p[0], p[1]
    let a = (u * u + v) - 11.0f
    let b = (u + v * v) - 7.0f
    g[0] <- (2.0f * a) * (2.0f * u) + 2.0f * b
    g[1] <- 2.0f * a + (2.0f * b) * (2.0f * v)
    a * a + b * b

/// Float64 twin of himmelblau32.
let private himmelblau64 (p: float[]) (g: float[]) =
    let u, v = p[0], p[1]
    let a = (u * u + v) - 11.0
    let b = (u + v * v) - 7.0
    g[0] <- (2.0 * a) * (2.0 * u) + 2.0 * b
    g[1] <- 2.0 * a + (2.0 * b) * (2.0 * v)
    a * a + b * b

let private kw = TestData.kw
let private kwb = TestData.kwb
let private betas = TestData.betas

/// A stepping closure for one trajectory: builds hyper-parameters and state from the torch kwargs.
let private stepperN32 (n: int) (opt: string) (k: JsonElement) (torch2x: bool) : float32[] -> float32[] -> unit =
    match opt with
    | "SGD" ->
        let hp = { Lr = kw k "lr" 0.0; Momentum = kw k "momentum" 0.0; Dampening = kw k "dampening" 0.0
                   WeightDecay = kw k "weight_decay" 0.0; Nesterov = kwb k "nesterov"; Maximize = kwb k "maximize" }
        let st = SgdState<float32>.Create n
        fun p g -> sgdStep32 p g st hp
    | "Adam" | "AdamW" ->
        let b1, b2 = betas k
        let d = if opt = "Adam" then AdamHyper.Adam else AdamHyper.AdamW
        let hp = { d with Lr = kw k "lr" d.Lr; Beta1 = b1; Beta2 = b2; Eps = kw k "eps" d.Eps; WeightDecay = kw k "weight_decay" d.WeightDecay
                          Amsgrad = kwb k "amsgrad"; Torch2x = torch2x }
        let st = AdamState<float32>.Create n
        if opt = "Adam" then fun p g -> adamStep32 p g st hp else fun p g -> adamWStep32 p g st hp
    | "RMSprop" ->
        let d = RmspropHyper.Default
        let hp = { d with Lr = kw k "lr" d.Lr; Alpha = kw k "alpha" d.Alpha; Eps = kw k "eps" d.Eps; WeightDecay = kw k "weight_decay" 0.0
                          Momentum = kw k "momentum" 0.0; Centered = kwb k "centered"; Torch2x = torch2x }
        let st = RmspropState<float32>.Create n
        fun p g -> rmspropStep32 p g st hp
    | "Adagrad" ->
        let d = AdagradHyper.Default
        let hp = { d with Lr = kw k "lr" d.Lr; LrDecay = kw k "lr_decay" 0.0; WeightDecay = kw k "weight_decay" 0.0
                          InitialAccumulatorValue = kw k "initial_accumulator_value" 0.0; Eps = kw k "eps" d.Eps }
        let st = adagradState32 n hp
        fun p g -> adagradStep32 p g st hp
    | o -> failwithf "unknown optimizer %s" o

/// A float32 stepping closure for the two Himmelblau parameters.
let private stepper32 (opt: string) (k: JsonElement) (torch2x: bool) = stepperN32 2 opt k torch2x

/// Float64 twin of stepper32.
let private stepper64 (opt: string) (k: JsonElement) (torch2x: bool) : float[] -> float[] -> unit =
    match opt with
    | "SGD" ->
        let hp = { Lr = kw k "lr" 0.0; Momentum = kw k "momentum" 0.0; Dampening = kw k "dampening" 0.0
                   WeightDecay = kw k "weight_decay" 0.0; Nesterov = kwb k "nesterov"; Maximize = kwb k "maximize" }
        let st = SgdState<float>.Create 2
        fun p g -> sgdStep64 p g st hp
    | "Adam" | "AdamW" ->
        let b1, b2 = betas k
        let d = if opt = "Adam" then AdamHyper.Adam else AdamHyper.AdamW
        let hp = { d with Lr = kw k "lr" d.Lr; Beta1 = b1; Beta2 = b2; Eps = kw k "eps" d.Eps; WeightDecay = kw k "weight_decay" d.WeightDecay
                          Amsgrad = kwb k "amsgrad"; Torch2x = torch2x }
        let st = AdamState<float>.Create 2
        if opt = "Adam" then fun p g -> adamStep64 p g st hp else fun p g -> adamWStep64 p g st hp
    | "RMSprop" ->
        let d = RmspropHyper.Default
        let hp = { d with Lr = kw k "lr" d.Lr; Alpha = kw k "alpha" d.Alpha; Eps = kw k "eps" d.Eps; WeightDecay = kw k "weight_decay" 0.0
                          Momentum = kw k "momentum" 0.0; Centered = kwb k "centered"; Torch2x = torch2x }
        let st = RmspropState<float>.Create 2
        fun p g -> rmspropStep64 p g st hp
    | "Adagrad" ->
        let d = AdagradHyper.Default
        let hp = { d with Lr = kw k "lr" d.Lr; LrDecay = kw k "lr_decay" 0.0; WeightDecay = kw k "weight_decay" 0.0
                          InitialAccumulatorValue = kw k "initial_accumulator_value" 0.0; Eps = kw k "eps" d.Eps }
        let st = adagradState64 2 hp
        fun p g -> adagradStep64 p g st hp
    | o -> failwithf "unknown optimizer %s" o

/// Replays every trajectory of a file and checks loss, grad and params at each of the 50 steps bit for bit.
let private replay (file: string) (torch2x: bool) =
    let mutable checkedRuns = 0
    for t in (TestData.json file).GetProperty("trajectories").EnumerateArray() do
        let opt = t.GetProperty("optimizer").GetString()
        let k = t.GetProperty "kwargs"
        let start = t.GetProperty "start"
        let tag = sprintf "%s %s start=(%g,%g)" (t.GetProperty("name").GetString()) (t.GetProperty("dtype").GetString()) (start[0].GetDouble()) (start[1].GetDouble())
        let pairs (name: string) = [| for e in t.GetProperty(name).GetProperty("hex").EnumerateArray() -> [| for h in e.EnumerateArray() -> h.GetString() |] |]
        let losses = [| for e in t.GetProperty("loss").GetProperty("hex").EnumerateArray() -> e.GetString() |]
        let grads = pairs "grad"
        let ps = pairs "params"
        Expect.equal losses.Length 50 (tag + ": 50 steps")
        if t.GetProperty("dtype").GetString() = "float32" then
            let p = [| float32 (start[0].GetDouble()); float32 (start[1].GetDouble()) |]
            let g = Array.zeroCreate 2
            let step = stepper32 opt k torch2x
            for s in 0 .. 49 do
                bits32 (sprintf "%s step %d loss" tag s) (f32 losses[s]) (himmelblau32 p g)
                arr32 (sprintf "%s step %d grad" tag s) (Array.map f32 grads[s]) g
                step p g
                arr32 (sprintf "%s step %d params" tag s) (Array.map f32 ps[s]) p
        else
            let p = [| start[0].GetDouble(); start[1].GetDouble() |]
            let g = Array.zeroCreate 2
            let step = stepper64 opt k torch2x
            for s in 0 .. 49 do
                bits64 (sprintf "%s step %d loss" tag s) (f64 losses[s]) (himmelblau64 p g)
                arr64 (sprintf "%s step %d grad" tag s) (Array.map f64 grads[s]) g
                step p g
                arr64 (sprintf "%s step %d params" tag s) (Array.map f64 ps[s]) p
        checkedRuns <- checkedRuns + 1
    checkedRuns

/// Replays every float32 trajectory's steps on `copies` side-by-side copies of (u, v), fed torch's gradients: the
/// vector paths take the leading whole vectors and the scalar loop the tail, and every copy must follow torch.
let private replayWide (file: string) (torch2x: bool) (copies: int) =
    let mutable checkedRuns = 0
    for t in (TestData.json file).GetProperty("trajectories").EnumerateArray() do
        if t.GetProperty("dtype").GetString() = "float32" then
            let opt = t.GetProperty("optimizer").GetString()
            let start = t.GetProperty "start"
            let tag = sprintf "%s x%d start=(%g,%g)" (t.GetProperty("name").GetString()) copies (start[0].GetDouble()) (start[1].GetDouble())
            let pairs (name: string) = [| for e in t.GetProperty(name).GetProperty("hex").EnumerateArray() -> [| for h in e.EnumerateArray() -> f32 (h.GetString()) |] |]
            let grads = pairs "grad"
            let ps = pairs "params"
            let tile (uv: float32[]) = Array.init (2 * copies) (fun i -> uv[i % 2])
            let p = tile [| float32 (start[0].GetDouble()); float32 (start[1].GetDouble()) |]
            let step = stepperN32 (2 * copies) opt (t.GetProperty "kwargs") torch2x
            for s in 0 .. 49 do
                step p (tile grads[s])
                arr32 (sprintf "%s step %d params" tag s) (tile ps[s]) p
            checkedRuns <- checkedRuns + 1
    checkedRuns

[<Tests>]
let tests =
    testList "Kernels.Optim" [
        testCase "all 20 torch 1.13 optimizer configs x 2 starts x 50 steps match bit for bit in float32 and float64" <| fun () ->
            Expect.equal (replay "optim_himmelblau_torch1.13.json" false) 80 "trajectories replayed"

        testCase "the 2.x derived Adam/AdamW/centered-RMSprop trajectories match with Torch2x = true" <| fun () ->
            Expect.equal (replay "optim_himmelblau_torch2x_derived.json" true) 32 "trajectories replayed"

        testCase "float32 steps over 13 and 16 copies (vector lanes and scalar tail) follow the torch 1.13 trajectories" <| fun () ->
            Expect.equal (replayWide "optim_himmelblau_torch1.13.json" false 13) 40 "trajectories replayed (26 elements)"
            Expect.equal (replayWide "optim_himmelblau_torch1.13.json" false 16) 40 "trajectories replayed (32 elements)"

        testCase "float32 2.x Adam/AdamW/RMSprop steps over 13 copies follow the derived trajectories" <| fun () ->
            Expect.equal (replayWide "optim_himmelblau_torch2x_derived.json" true 13) 16 "trajectories replayed"

        testCase "primitives follow ATen's fused formulas" <| fun () ->
            let x = [| 1.0f; -2.5f; 3.0e-3f |]
            let y = [| 0.1f; 7.0f; -1.0e4f |]
            let a = Array.copy x
            addAlpha32 a y 0.3
            arr32 "addAlpha" (Array.init 3 (fun i -> MathF.FusedMultiplyAdd(0.3f, y[i], x[i]))) a
            let c = Array.copy x
            addcmul32 c y y 0.01
            arr32 "addcmul" (Array.init 3 (fun i -> MathF.FusedMultiplyAdd(0.01f * y[i], y[i], x[i]))) c
            let d = Array.copy x
            addcdiv32 d y [| 3.0f; 3.0f; 3.0f |] -0.1
            arr32 "addcdiv" (Array.init 3 (fun i -> x[i] + (-0.1f * y[i]) / 3.0f)) d
            let lo = Array.copy x
            lerp32 lo y 0.1
            arr32 "lerp small weight" (Array.init 3 (fun i -> MathF.FusedMultiplyAdd(0.1f, y[i] - x[i], x[i]))) lo
            let hi = Array.copy x
            lerp32 hi y 0.9
            arr32 "lerp large weight" (Array.init 3 (fun i -> MathF.FusedMultiplyAdd(-(y[i] - x[i]), 1.0f - 0.9f, y[i]))) hi

        testCase "mismatched gradient length raises ArgumentException naming the function" <| fun () ->
            let ex = Expect.throwsC (fun () -> sgdStep32 [| 1.0f |] [| 1.0f; 2.0f |] (SgdState<float32>.Create 1) (SgdHyper.Default 0.1)) id
            Expect.stringContains ex.Message "sgdStep32" "message names the function"
    ]
