module IO.CheckpointTests

open System
open System.Collections.Generic
open System.Diagnostics
open System.IO
open System.IO.Compression
open System.Text
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.IO
open Fluxion.Nn
open Fluxion.Optim

let private bits32 (t: Tensor) = t.ToFloat32Array() |> Array.map (fun v -> uint64 (BitConverter.SingleToUInt32Bits v))
let private bits64 (t: Tensor) = t.ToDoubleArray() |> Array.map BitConverter.DoubleToUInt64Bits
let private bitsOf (t: Tensor) = if t.Dtype = Dtype.Float32 then bits32 t else bits64 t
let private u64s (e: JsonElement) = [| for x in e.EnumerateArray() -> x.GetUInt64() |]
let private expected = lazy (TestData.json "checkpoint_expected.json")
let private input = lazy (Tensor.ofArray [| 3; 2 |] (TestData.nums (expected.Value.GetProperty "input") |> Array.map float32))

/// A fresh temporary folder for one test.
let private tempDir () =
    let d = Path.Combine(Path.GetTempPath(), "fluxion-ckpt-" + Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory d |> ignore
    d

/// `nn.Linear` with float64 parameters (the model of a `model.double()` checkpoint).
type Linear64(inF: int, outF: int) as this =
    inherit Module()
    do
        this.RegisterParameter("weight", Parameter(Tensor.ofArray64 [| outF; inF |] (Array.zeroCreate (inF * outF))))
        this.RegisterParameter("bias", Parameter(Tensor.ofArray64 [| outF |] (Array.zeroCreate outF)))
    member private this.P(n: string) = (this.OwnParameters() |> Array.find (fun kv -> kv.Key = n)).Value
    override this.Forward x = Tensor.MatMul(x, (this.P "weight").Value.T) + (this.P "bias").Value
    override _.ClassName = "Linear"

/// Sequential(Linear(2, 3), ReLU(), Linear(3, 1)); its initial values are overwritten by every test.
let private mlp () = Sequential(Linear(2, 3), ReLU(), Linear(3, 1))
let private mlp64 () = Sequential(Linear64(2, 3), ReLU(), Linear64(3, 1))

let private expectParams (sd: StateDict) (e: JsonElement) =
    Expect.equal (List.ofSeq sd.Keys) [ for p in e.EnumerateObject() -> p.Name ] "keys in PyTorch's order"
    for p in e.EnumerateObject() do Expect.equal (bitsOf sd.[p.Name]) (u64s p.Value) p.Name

/// The message of the exception `f` throws, which must be of type 'E.
let private messageOf<'E when 'E :> exn> (f: unit -> unit) : string =
    try
        f ()
        failtest "expected an exception"
    with
    | :? 'E as e -> e.Message
    | e -> failtestf "expected %s, got %s: %s" typeof<'E>.Name (e.GetType().Name) e.Message

let private contains (msg: string) (parts: string list) =
    for p in parts do Expect.stringContains msg p (sprintf "message: %s" msg)

/// A torch.save-shaped zip with the given pickle bytes.
let private zipWithPickle (path: string) (pickle: byte[]) =
    use fs = new FileStream(path, FileMode.Create)
    use z = new ZipArchive(fs, ZipArchiveMode.Create)
    let e = z.CreateEntry("evil/data.pkl", CompressionLevel.NoCompression)
    use s = e.Open()
    s.Write(pickle, 0, pickle.Length)

// ---------------------------------------------------------------- PyTorch via /usr/bin/python3

let private python = "/usr/bin/python3"
let private torchAvailable =
    lazy
        try
            use p = Process.Start(ProcessStartInfo(python, "-c \"import torch\"", RedirectStandardError = true, UseShellExecute = false))
            p.WaitForExit 120_000 && p.ExitCode = 0
        with _ -> false

/// Runs the interop script; skips (fails on CI) when PyTorch is not installed.
let private runPython (mode: string) (dir: string) : string =
    if not torchAvailable.Value then
        if Environment.GetEnvironmentVariable "CI" = "true" then failtest "CI=true but /usr/bin/python3 cannot import torch"
        else skiptest "/usr/bin/python3 cannot import torch"
    let script = TestData.path "interop_checkpoints.py"
    let psi = ProcessStartInfo(python, sprintf "\"%s\" %s \"%s\"" script mode dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    use p = Process.Start psi
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    if not (p.WaitForExit 300_000) then (p.Kill true; failtest "the PyTorch side did not finish within 5 minutes")
    if p.ExitCode <> 0 then failtestf "the PyTorch side failed (%d): %s" p.ExitCode err.Result
    out.Result

let private x3 = Tensor.ofArray [| 3; 2 |] [| 0.5f; -1.0f; 2.0f; 0.25f; -0.75f; 1.5f |]
let private y3 = Tensor.ofArray [| 3; 1 |] [| 1.0f; -0.5f; 0.25f |]

/// `steps` Adam or SGD updates of the MSE of the model on (x3, y3).
let private train (m: Module) (opt: TorchOptimizer) (steps: int) =
    for _ in 1 .. steps do
        opt.ZeroGrad()
        (Loss.mse Reduction.Mean (m.Call x3) y3).Backward()
        opt.Step()

[<Tests>]
let tests =
    testList "IO.Checkpoint" [
        testList "files" [
            testCase "a .pt state dict written by torch.save reads with PyTorch's keys, dtypes and bits" <| fun () ->
                let sd = Checkpoint.loadStateDict (TestData.path "checkpoint_mlp.pt")
                expectParams sd (expected.Value.GetProperty("mlp").GetProperty "params")
                Expect.equal sd.["0.weight"].Shape [| 3; 2 |] "shape"
                let sd64 = Checkpoint.loadStateDict (TestData.path "checkpoint_mlp64.pt")
                Expect.isTrue (sd64.Values |> Seq.forall (fun t -> t.Dtype = Dtype.Float64)) "float64 kept"
                expectParams sd64 (expected.Value.GetProperty("mlp64").GetProperty "params")

            testCase "a .safetensors file reads in header order with its bits" <| fun () ->
                let sd, meta = Safetensors.readWithMetadata (TestData.path "checkpoint_mlp.safetensors")
                expectParams sd (expected.Value.GetProperty("mlp").GetProperty "params")
                Expect.equal meta.["format"] "pt" "metadata"

            testCase "views saved by torch.save (storage offsets, strides), int64, bool, 0-dim tensors and a Parameter" <| fun () ->
                let v = Checkpoint.load (TestData.path "checkpoint_views.pt") :?> StateDict
                let e = expected.Value.GetProperty "views"
                let shapes = expected.Value.GetProperty "views_shapes"
                Expect.equal (List.ofSeq v.Keys) [ "column"; "transposed"; "block"; "longs"; "mask"; "scalar"; "parameter" ] "keys"
                Expect.equal (v.["parameter"].ToFloat32Array()) [| 1.5f; -2.0f |] "nn.Parameter (_rebuild_parameter)"
                for k in [ "column"; "transposed"; "block"; "scalar" ] do
                    Expect.equal (v.[k].ToDoubleArray()) (TestData.nums (e.GetProperty k)) k
                    Expect.equal v.[k].Shape [| for d in (shapes.GetProperty k).EnumerateArray() -> d.GetInt32() |] (k + " shape")
                Expect.equal v.["scalar"].Dtype Dtype.Float64 "scalar dtype"
                Expect.equal (v.["longs"].ToInt64Array()) [| -3L; 1L <<< 40; 7L; 0L |] "int64 beyond 2^32"
                Expect.equal (v.["mask"].ToBoolArray()) [| true; false; true |] "bool"

            testCase "save then load keeps keys, dtypes and bits in both formats" <| fun () ->
                let d = tempDir ()
                let sd = StateDict()
                sd.Add("b.weight", Tensor.ofArray [| 2; 2 |] [| 1.5f; -0.0f; nanf; 3e-38f |])
                sd.Add("a.double", Tensor.ofArray64 [| 3 |] [| Math.PI; -1e300; 5e-324 |])
                sd.Add("steps", Fluxion.Ops.Creation.ofInt64 [| 2 |] [| Int64.MinValue; 42L |])
                sd.Add("flags", Fluxion.Ops.Creation.ofBool [| 2 |] [| false; true |])
                sd.Add("scalar", Fluxion.Ops.Creation.scalar 7.0 Dtype.Float32)
                for file in [ "m.pt"; "m.safetensors" ] do
                    let path = Path.Combine(d, file)
                    Checkpoint.save path sd
                    let back = Checkpoint.loadStateDict path
                    Expect.equal (List.ofSeq back.Keys) (List.ofSeq sd.Keys) (file + " keys")
                    for k in sd.Keys do
                        Expect.equal back.[k].Dtype sd.[k].Dtype (file + " " + k)
                        Expect.equal back.[k].Shape sd.[k].Shape (file + " " + k)
                    Expect.equal (bits32 back.["b.weight"]) (bits32 sd.["b.weight"]) file
                    Expect.equal (bits64 back.["a.double"]) (bits64 sd.["a.double"]) file
                    Expect.equal (back.["steps"].ToInt64Array()) [| Int64.MinValue; 42L |] file
                    Expect.equal (back.["flags"].ToBoolArray()) [| false; true |] file
                Directory.Delete(d, true)

            testCase "the .pt writer uses torch.save's layout: <stem>/data.pkl, data/<n> aligned at 64 bytes, version" <| fun () ->
                let d = tempDir ()
                let path = Path.Combine(d, "my_model.pt")
                let sd = StateDict()
                sd.Add("w", Tensor.ofArray [| 3 |] [| 1.0f; 2.0f; 3.0f |])
                sd.Add("b", Tensor.ofArray [| 1 |] [| 4.0f |])
                Checkpoint.save path sd
                let bytes = File.ReadAllBytes path
                use z = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read)
                Expect.equal [ for e in z.Entries -> e.FullName ] [ "my_model/data.pkl"; "my_model/data/0"; "my_model/data/1"; "my_model/version" ] "entries"
                use r = new StreamReader(z.GetEntry("my_model/version").Open())
                Expect.equal (r.ReadToEnd()) "3\n" "version"
                // The data of entry data/0 (12 bytes: 1.0f, 2.0f, 3.0f) starts on a 64-byte boundary.
                let needle = Array.concat [ BitConverter.GetBytes 1.0f; BitConverter.GetBytes 2.0f; BitConverter.GetBytes 3.0f ]
                let at = [ 0 .. bytes.Length - 12 ] |> List.find (fun i -> bytes.[i .. i + 11] = needle)
                Expect.equal (at % 64) 0 "aligned"
                Directory.Delete(d, true)

            testCase "nested values (an optimizer state dict) round-trip through .pt" <| fun () ->
                let d = tempDir ()
                let path = Path.Combine(d, "opt.pt")
                let p = Parameter(Tensor.ofArray [| 2 |] [| 1.0f; -2.0f |])
                let opt = Adam([ p ], lr = 0.01)
                (Tensor.sum (p.Value * p.Value)).Backward()
                opt.Step()
                let sd = opt.StateDict()
                Checkpoint.save path sd
                let back = Checkpoint.load path :?> Dictionary<string, obj>
                let st = (back.["state"] :?> Dictionary<int64, obj>).[0L] :?> Dictionary<string, obj>
                Expect.equal (List.ofSeq st.Keys) [ "step"; "exp_avg"; "exp_avg_sq" ] "PyTorch's state keys"
                Expect.equal ((st.["step"] :?> Tensor).ToDouble()) 1.0 "step"
                let g = (back.["param_groups"] :?> List<obj>).[0] :?> Dictionary<string, obj>
                Expect.equal (List.ofSeq g.Keys)
                    [ "lr"; "betas"; "eps"; "weight_decay"; "amsgrad"; "maximize"; "foreach"; "capturable"; "differentiable"; "fused"; "params" ] "group keys"
                Expect.equal (g.["betas"] :?> obj[]) [| box 0.9; box 0.999 |] "betas tuple"
                Expect.isNull g.["foreach"] "None"
                Expect.equal (List.ofSeq (g.["params"] :?> List<obj>)) [ box 0L ] "params"
                Directory.Delete(d, true)
        ]

        testList "bad files" [
            testCase "a truncated .pt is an InvalidDataException naming the file" <| fun () ->
                let d = tempDir ()
                let path = Path.Combine(d, "cut.pt")
                let bytes = File.ReadAllBytes(TestData.path "checkpoint_mlp.pt")
                File.WriteAllBytes(path, bytes.[.. bytes.Length / 2])
                contains (messageOf<InvalidDataException> (fun () -> Checkpoint.load path |> ignore)) [ path; "truncated or corrupt" ]
                Directory.Delete(d, true)

            testCase "a truncated .safetensors is an InvalidDataException naming the file" <| fun () ->
                let d = tempDir ()
                let path = Path.Combine(d, "cut.safetensors")
                let bytes = File.ReadAllBytes(TestData.path "checkpoint_mlp.safetensors")
                File.WriteAllBytes(path, bytes.[.. bytes.Length - 5])
                contains (messageOf<InvalidDataException> (fun () -> Checkpoint.load path |> ignore)) [ path; "tensor '2.bias' has data_offsets"; "truncated or corrupt" ]
                Directory.Delete(d, true)

            testCase "wrong magic: a file that is not a zip, and one that is not safetensors" <| fun () ->
                let d = tempDir ()
                let pt = Path.Combine(d, "text.pt")
                File.WriteAllText(pt, "hello, this is not a checkpoint")
                contains (messageOf<InvalidDataException> (fun () -> Checkpoint.load pt |> ignore)) [ pt; "not a PyTorch checkpoint" ]
                let st = Path.Combine(d, "text.safetensors")
                File.WriteAllText(st, "hello, this is not a checkpoint")
                contains (messageOf<InvalidDataException> (fun () -> Checkpoint.load st |> ignore)) [ st; "not a safetensors file" ]
                Directory.Delete(d, true)

            testCase "an unknown dtype is refused in both formats" <| fun () ->
                let d = tempDir ()
                let st = Path.Combine(d, "half.safetensors")
                let header = Encoding.UTF8.GetBytes """{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"""
                File.WriteAllBytes(st, Array.concat [ BitConverter.GetBytes(uint64 header.Length); header; Array.zeroCreate 4 ])
                contains (messageOf<InvalidDataException> (fun () -> Checkpoint.load st |> ignore)) [ st; "tensor 'h' has unsupported dtype F16" ]
                // A torch.save pickle naming a HalfStorage (protocol 2, as torch writes it).
                let pt = Path.Combine(d, "half.pt")
                let pkl =
                    Encoding.Latin1.GetBytes(
                        "\u0080\u0002ctorch._utils\n_rebuild_tensor_v2\n((X\007\000\000\000storagectorch\nHalfStorage\n"
                        + "X\001\000\000\0000X\003\000\000\000cpuK\002tQK\000K\002\u0085K\001\u0085\u0089tR.")
                zipWithPickle pt pkl
                contains (messageOf<InvalidDataException> (fun () -> Checkpoint.load pt |> ignore)) [ pt; "unsupported dtype torch.float16" ]
                Directory.Delete(d, true)

            testCase "a pickle asking for os.system or builtins.eval is refused before anything runs" <| fun () ->
                let d = tempDir ()
                for m, n in [ "os", "system"; "builtins", "eval"; "posix", "system" ] do
                    let pt = Path.Combine(d, n + ".pt")
                    zipWithPickle pt (Encoding.Latin1.GetBytes(sprintf "\u0080\u0002c%s\n%s\nX\005\000\000\000touch\u0085R." m n))
                    contains (messageOf<InvalidDataException> (fun () -> Checkpoint.load pt |> ignore))
                        [ pt; sprintf "the global '%s.%s', which is not allowed" m n ]
                Directory.Delete(d, true)
        ]

        testSequenced <| testList "load_state_dict" [
            testCase "a PyTorch checkpoint loads into the model, which predicts PyTorch's numbers" <| fun () ->
                let m = mlp ()
                m.LoadStateDict(Checkpoint.loadStateDict (TestData.path "checkpoint_mlp.pt"))
                expectParams (m.StateDict()) (expected.Value.GetProperty("mlp").GetProperty "params")
                Expect.equal (bits32 (m.Call input.Value)) (u64s (expected.Value.GetProperty("mlp").GetProperty "output")) "predictions"

            testCase "a float64 checkpoint keeps float64 parameters and predicts PyTorch's float64 numbers" <| fun () ->
                let m = mlp64 ()
                m.LoadStateDict(Checkpoint.loadStateDict (TestData.path "checkpoint_mlp64.pt"))
                Expect.isTrue (m.Parameters() |> Array.forall (fun p -> p.Dtype = Dtype.Float64)) "float64"
                expectParams (m.StateDict()) (expected.Value.GetProperty("mlp64").GetProperty "params")
                Expect.equal (bits64 (m.Call (input.Value.Cast Dtype.Float64))) (u64s (expected.Value.GetProperty("mlp64").GetProperty "output")) "predictions"

            testCase "float32 values load into float64 parameters by conversion (param.copy_)" <| fun () ->
                let m = mlp64 ()
                m.LoadStateDict(Checkpoint.loadStateDict (TestData.path "checkpoint_mlp.pt"))
                Expect.equal (m.StateDict().["0.bias"].Dtype) Dtype.Float64 "dtype kept"
                let e = Checkpoint.loadStateDict (TestData.path "checkpoint_mlp.pt")
                Expect.equal (m.StateDict().["0.bias"].ToDoubleArray()) (e.["0.bias"].ToFloat32Array() |> Array.map float) "converted exactly"

            testCase "missing and unexpected keys: PyTorch's message, nothing loaded; strict=false loads the rest" <| fun () ->
                let m = mlp ()
                let before = m.StateDict() |> Seq.map (fun kv -> kv.Key, bitsOf kv.Value) |> List.ofSeq
                let sd = StateDict()
                sd.Add("0.weight", Tensor.ofArray [| 3; 2 |] (Array.create 6 0.5f))
                sd.Add("x", Tensor.ofArray [| 1 |] [| 0.0f |])
                let msg = messageOf<ArgumentException> (fun () -> m.LoadStateDict sd)
                // PyTorch 1.13's text for the same dict and model.
                Expect.stringStarts msg "Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: \"0.bias\", \"2.weight\", \"2.bias\". \n\tUnexpected key(s) in state_dict: \"x\". " "message"
                Expect.equal (m.StateDict() |> Seq.map (fun kv -> kv.Key, bitsOf kv.Value) |> List.ofSeq) before "nothing loaded"
                m.LoadStateDict(sd, false)
                Expect.equal (m.StateDict().["0.weight"].ToFloat32Array()) (Array.create 6 0.5f) "strict=false loads the known key"

            testCase "a shape mismatch: PyTorch's message and no half-loaded model" <| fun () ->
                let m = mlp ()
                let before = m.StateDict() |> Seq.map (fun kv -> kv.Key, bitsOf kv.Value) |> List.ofSeq
                let sd = Checkpoint.loadStateDict (TestData.path "checkpoint_mlp.pt")
                sd.["2.weight"] <- Tensor.ofArray [| 1; 4 |] [| 1.0f; 2.0f; 3.0f; 4.0f |]
                let msg = messageOf<ArgumentException> (fun () -> m.LoadStateDict sd)
                Expect.stringStarts msg "Error(s) in loading state_dict for Sequential:\n\tsize mismatch for 2.weight: copying a param with shape torch.Size([1, 4]) from checkpoint, the shape in current model is torch.Size([1, 3])." "message"
                Expect.equal (m.StateDict() |> Seq.map (fun kv -> kv.Key, bitsOf kv.Value) |> List.ofSeq) before "0.weight was not copied either"
                contains (messageOf<ArgumentException> (fun () -> m.LoadStateDict(sd, false))) [ "size mismatch for 2.weight" ]

            testCase "StateDict prints like PyTorch's OrderedDict" <| fun () ->
                let sd = StateDict()
                sd.Add("0.bias", Tensor.ofArray [| 2 |] [| 0.5f; -1.0f |])
                sd.Add("n", Fluxion.Ops.Creation.ofInt64 [||] [| 3L |])
                Expect.equal (sd.ToString()) "OrderedDict([('0.bias', tensor([ 0.5000, -1.0000])), ('n', tensor(3))])" "repr"
                Expect.equal (StateDict().ToString()) "OrderedDict()" "empty"

            for name, make in [ "SGD with momentum", (fun (ps: Parameter[]) -> SGD(ps, 0.05, momentum = 0.9) :> TorchOptimizer)
                                "Adam", (fun ps -> Adam(ps, lr = 0.01) :> TorchOptimizer)
                                "RMSprop", (fun ps -> RMSprop(ps, lr = 0.01, momentum = 0.5, centered = true) :> TorchOptimizer)
                                "Adagrad", (fun ps -> Adagrad(ps, lr = 0.1) :> TorchOptimizer) ] do
                testCase (sprintf "%s: saved at step 3 and resumed from files, the run is bit-identical" name) <| fun () ->
                    let d = tempDir ()
                    let start = Checkpoint.loadStateDict (TestData.path "checkpoint_mlp.pt")
                    let m1 = mlp ()
                    m1.LoadStateDict start
                    let o1 = make (m1.Parameters())
                    train m1 o1 3
                    Checkpoint.save (Path.Combine(d, "model.pt")) (m1.StateDict())
                    Checkpoint.save (Path.Combine(d, "opt.pt")) (o1.StateDict())
                    train m1 o1 4
                    let m2 = mlp ()
                    let o2 = make (m2.Parameters())
                    m2.LoadStateDict(Checkpoint.loadStateDict (Path.Combine(d, "model.pt")))
                    o2.LoadStateDict(Checkpoint.load (Path.Combine(d, "opt.pt")) :?> Dictionary<string, obj>)
                    train m2 o2 4
                    for KeyValue(k, v) in m1.StateDict() do Expect.equal (bits32 (m2.StateDict().[k])) (bits32 v) k
                    Directory.Delete(d, true)

            testCase "an optimizer state dict for other hyper-parameters or groups is refused, nothing changed" <| fun () ->
                let m = mlp ()
                let o = Adam(m.Parameters(), lr = 0.01)
                train m o 1
                let sd = o.StateDict()
                contains (messageOf<ArgumentException> (fun () -> (Adam(m.Parameters(), lr = 0.01, beta1 = 0.8)).LoadStateDict sd))
                    [ "Adam.LoadStateDict"; "param_groups[0] has betas=(0.9, 0.999) but this optimizer has betas=(0.8, 0.999)" ]
                contains (messageOf<ArgumentException> (fun () -> (Adam([ m.Parameters().[0] ], lr = 0.01)).LoadStateDict sd))
                    [ "loaded state dict contains a parameter group that doesn't match the size of optimizer's group" ]
        ]

        testSequenced <| testList "PyTorch interop" [
            testCase "state dicts saved by torch.save load and predict PyTorch's numbers (float32 and float64); Adam, SGD, RMSprop and Adagrad resume" <| fun () ->
                let d = tempDir ()
                runPython "export" d |> ignore
                let e = JsonDocument.Parse(File.ReadAllText(Path.Combine(d, "torch_expected.json"))).RootElement
                let m = mlp ()
                m.LoadStateDict(Checkpoint.loadStateDict (Path.Combine(d, "torch_mlp.pt")))
                expectParams (m.StateDict()) (e.GetProperty "params")
                Expect.equal (bits32 (m.Call x3)) (u64s (e.GetProperty "output")) "float32 predictions"
                let m64 = mlp64 ()
                m64.LoadStateDict(Checkpoint.loadStateDict (Path.Combine(d, "torch_mlp64.pt")))
                expectParams (m64.StateDict()) (e.GetProperty "params64")
                Expect.equal (bits64 (m64.Call (x3.Cast Dtype.Float64))) (u64s (e.GetProperty "output64")) "float64 predictions"
                // PyTorch's optimizer state dicts (saved after 3 steps) resume here: the 4th step gives PyTorch's bits.
                for name, make in [ "adam", (fun (ps: Parameter[]) -> Adam(ps, lr = 0.01) :> TorchOptimizer)
                                    "sgd", (fun ps -> SGD(ps, 0.05, momentum = 0.9) :> TorchOptimizer)
                                    "rmsprop", (fun ps -> RMSprop(ps, lr = 0.01, momentum = 0.5, centered = true) :> TorchOptimizer)
                                    "adagrad", (fun ps -> Adagrad(ps, lr = 0.1) :> TorchOptimizer) ] do
                    let m = mlp ()
                    m.LoadStateDict(Checkpoint.loadStateDict (Path.Combine(d, sprintf "torch_%s_model.pt" name)))
                    let o = make (m.Parameters())
                    o.LoadStateDict(Checkpoint.load (Path.Combine(d, sprintf "torch_%s.pt" name)) :?> Dictionary<string, obj>)
                    train m o 1
                    for p in e.GetProperty(name + "_step4").EnumerateObject() do
                        Expect.equal (bits32 (m.StateDict().[p.Name])) (u64s p.Value) (sprintf "%s step 4: %s" name p.Name)
                Directory.Delete(d, true)

            testCase "files Fluxion writes load in PyTorch (weights_only=True) and predict the same numbers; Adam resumes there" <| fun () ->
                let d = tempDir ()
                let m = mlp ()
                m.LoadStateDict(Checkpoint.loadStateDict (TestData.path "checkpoint_mlp.pt"))
                Checkpoint.save (Path.Combine(d, "fluxion_mlp.pt")) (m.StateDict())
                Checkpoint.save (Path.Combine(d, "fluxion_mlp.safetensors")) (m.StateDict())
                let m64 = mlp64 ()
                m64.LoadStateDict(Checkpoint.loadStateDict (TestData.path "checkpoint_mlp64.pt"))
                Checkpoint.save (Path.Combine(d, "fluxion_mlp64.pt")) (m64.StateDict())
                let o = Adam(m.Parameters(), lr = 0.01)
                train m o 3
                Checkpoint.save (Path.Combine(d, "fluxion_opt_model.pt")) (m.StateDict())
                Checkpoint.save (Path.Combine(d, "fluxion_adam.pt")) (o.StateDict())
                let r = JsonDocument.Parse(runPython "import" d).RootElement
                let keys = [ "0.weight"; "0.bias"; "2.weight"; "2.bias" ]
                Expect.equal [ for k in r.GetProperty("keys").EnumerateArray() -> k.GetString() ] keys "keys"
                Expect.equal [ for k in r.GetProperty("dtypes64").EnumerateArray() -> k.GetString() ] [ "torch.float64" ] "float64 kept"
                let fresh = mlp ()
                fresh.LoadStateDict(Checkpoint.loadStateDict (TestData.path "checkpoint_mlp.pt"))
                Expect.equal (u64s (r.GetProperty "output")) (bits32 (fresh.Call x3)) "float32 predictions in PyTorch"
                Expect.equal (u64s (r.GetProperty "output64")) (bits64 (m64.Call (x3.Cast Dtype.Float64))) "float64 predictions in PyTorch"
                Expect.isTrue (r.GetProperty("safetensors_equal").GetBoolean()) "safetensors holds the same tensors"
                Expect.equal [ for k in r.GetProperty("safetensors_keys").EnumerateArray() -> k.GetString() ] keys "safetensors order"
                train m o 1
                for p in r.GetProperty("adam_resumed").EnumerateObject() do
                    Expect.equal (u64s p.Value) (bits32 (m.StateDict().[p.Name])) ("Adam step 4 in PyTorch vs Fluxion: " + p.Name)
                Directory.Delete(d, true)
        ]
    ]
