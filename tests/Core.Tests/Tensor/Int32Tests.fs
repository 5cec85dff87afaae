/// torch.int32 against PyTorch 1.13 (tests/data/int32_vectors.json from tests/data/scripts/gen_int32.py): reprs,
/// promotion, casts both ways, arithmetic and reductions, strided views, export and clear errors.
module Int32Tests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Ops

let private data = lazy (TestData.json "int32_vectors.json")

let private dtypeOf (s: string) =
    match s with
    | "bool" -> Dtype.Bool
    | "int32" -> Dtype.Int32
    | "int64" -> Dtype.Int64
    | "float32" -> Dtype.Float32
    | "float64" -> Dtype.Float64
    | s -> failwithf "unknown dtype %s" s

let private ints (e: JsonElement) = [| for x in e.EnumerateArray() -> x.GetInt32() |]
let private shapeOf (e: JsonElement) = ints e
/// The exception of type 'E that `f` raises (failing the test otherwise).
let private raises<'E when 'E :> exn> (f: unit -> unit) (what: string) : 'E =
    try
        f ()
        failtestf "%s: no exception" what
    with
    | :? 'E as e -> e

let private i32 (shape: int[]) (values: int[]) = Creation.ofInt32 shape values

/// The values of a tensor as PyTorch's tolist() numbers (bools as 0/1).
let private valuesOf (t: Tensor) = t.ToDoubleArray()
let private expected (e: JsonElement) =
    [| for x in e.EnumerateArray() ->
        match x.ValueKind with
        | JsonValueKind.True -> 1.0
        | JsonValueKind.False -> 0.0
        | _ -> x.GetDouble() |]

let private opsOf (a: Tensor) (b: Tensor) : (string * (unit -> Tensor)) list =
    [ "add", (fun () -> a + b); "sub", (fun () -> a - b); "mul", (fun () -> a * b); "div", (fun () -> a / b)
      "maximum", (fun () -> Elementwise.maximum a b); "minimum", (fun () -> Elementwise.minimum a b)
      "eq", (fun () -> a.Compare(Backend.CompareKind.Eq, b)); "lt", (fun () -> a.Compare(Backend.CompareKind.Lt, b))
      "ge", (fun () -> a.Compare(Backend.CompareKind.Ge, b))
      "neg", (fun () -> -a); "abs", (fun () -> Elementwise.abs a)
      "sum", (fun () -> a.Sum()); "sum_dim0", (fun () -> a.Sum(0)); "sum_dim1_keepdim", (fun () -> a.Sum(1, true))
      "max", (fun () -> Reductions.max a); "min", (fun () -> Reductions.min a)
      "max_dim1", (fun () -> let struct (v, _) = Reductions.maxDim 1 false a in v)
      "argmax_dim1", (fun () -> let struct (_, i) = Reductions.maxDim 1 false a in i)
      "mean_float", (fun () -> Reductions.mean (a.Cast Dtype.Float32))
      "add_int64", (fun () -> a + b.Cast Dtype.Int64); "add_float32", (fun () -> a + b.Cast Dtype.Float32)
      "cat", (fun () -> Shapes.cat 0 [| a; b.Reshape [| 1; 3 |] |]); "stack", (fun () -> Shapes.stack 0 [| b; b * 2.0 |])
      "reshape", (fun () -> a.Reshape [| 3; 2 |]); "transpose_add", (fun () -> a.T + 1.0); "select_row1", (fun () -> a.Select(0, 1))
      "slice_col", (fun () -> a.Slice(1, 1, 3, 1))
      "wrap_add", (fun () -> i32 [| 1 |] [| Int32.MaxValue |] + i32 [| 1 |] [| 1 |])
      "matmul", (fun () -> Tensor.MatMul(a, i32 [| 3; 2 |] [| 1; 0; 2; 1; 0; 3 |])) ]

[<Tests>]
let tests =
    testList "Tensor.Int32" [
        testCase "dtype basics: name, size, integer" <| fun () ->
            Expect.equal (Dtype.name Dtype.Int32) "torch.int32" "name"
            Expect.equal (Dtype.size Dtype.Int32) 4 "size"
            Expect.isTrue (Dtype.isInteger Dtype.Int32 && not (Dtype.isFloat Dtype.Int32)) "integer, not float"

        testCase "reprs match PyTorch 1.13" <| fun () ->
            for c in data.Value.GetProperty("reprs").EnumerateArray() do
                let t = i32 (shapeOf (c.GetProperty "shape")) (ints (c.GetProperty "values"))
                Expect.equal (string t) (c.GetProperty("repr").GetString()) (c.GetProperty("desc").GetString())

        testCase "tensor-tensor promotion matches PyTorch 1.13" <| fun () ->
            for c in data.Value.GetProperty("promotion").EnumerateArray() do
                let a, b = dtypeOf (c.GetProperty("a").GetString()), dtypeOf (c.GetProperty("b").GetString())
                let r = Creation.ones [| 2 |] a + Creation.ones [| 2 |] b
                Expect.equal r.Dtype (dtypeOf (c.GetProperty("result").GetString())) (sprintf "%A + %A" a b)

        testCase "int32 with a Python scalar keeps int32 for integral add/sub/mul" <| fun () ->
            let x = i32 [| 3 |] [| 1; -2; 3 |]
            for c in data.Value.GetProperty("scalar_promotion").EnumerateArray() do
                let s = c.GetProperty("scalar").GetDouble()
                let r =
                    match c.GetProperty("op").GetString() with
                    | "add" -> x + s
                    | "mul" -> x * s
                    | "sub" -> x - s
                    | _ -> x / s
                let what = sprintf "%s %g" (c.GetProperty("op").GetString()) s
                Expect.equal r.Dtype (dtypeOf (c.GetProperty("result").GetString())) what
                Expect.sequenceEqual (valuesOf r) (expected (c.GetProperty "values")) what

        testCase "casts both ways match PyTorch 1.13 (float to int truncates toward zero)" <| fun () ->
            for c in data.Value.GetProperty("casts").EnumerateArray() do
                let src, dst = dtypeOf (c.GetProperty("from").GetString()), dtypeOf (c.GetProperty("to").GetString())
                let inp = expected (c.GetProperty "input")
                let x = Creation.ofDoubles [| inp.Length |] src inp
                let y = x.Cast dst
                Expect.equal y.Dtype dst (sprintf "%A -> %A dtype" src dst)
                Expect.sequenceEqual (valuesOf y) (expected (c.GetProperty "output")) (sprintf "%A -> %A" src dst)

        testCase "out-of-range float to int32 wraps the truncated int64 (documented choice; UB in PyTorch)" <| fun () ->
            let y = (Creation.ofFloat64 [| 3 |] [| 4294967297.0; -2147483649.0; nan |]).Cast Dtype.Int32
            Expect.sequenceEqual (y.ToInt32Array()) [| 1; Int32.MaxValue; 0 |] "low 32 bits; NaN gives 0"

        testCase "arithmetic, comparisons, reductions and shape ops match PyTorch 1.13" <| fun () ->
            let ar = data.Value.GetProperty "arithmetic"
            let a = i32 (shapeOf (ar.GetProperty "a_shape")) (ints (ar.GetProperty "a"))
            let b = i32 [| 3 |] (ints (ar.GetProperty "b"))
            let table = Map.ofList (opsOf a b)
            for c in ar.GetProperty("ops").EnumerateArray() do
                let name = c.GetProperty("op").GetString()
                let r = table.[name] ()
                Expect.equal r.Dtype (dtypeOf (c.GetProperty("dtype").GetString())) (name + " dtype")
                Expect.sequenceEqual r.Shape (shapeOf (c.GetProperty "shape")) (name + " shape")
                let want = expected (c.GetProperty "values")
                if r.Dtype = Dtype.Float32 then
                    Expect.sequenceEqual (r.ToFloat32Array()) (Array.map float32 want) name
                else Expect.sequenceEqual (valuesOf r) want name

        testCase "strided views of int32 share storage and write through" <| fun () ->
            let x = i32 [| 2; 3 |] [| 1; 2; 3; 4; 5; 6 |]
            let col = x.T.Select(0, 1)
            Expect.equal col.Dtype Dtype.Int32 "view dtype"
            Expect.sequenceEqual (col.ToInt32Array()) [| 2; 5 |] "column 1"
            col.Fill_(9.0) |> ignore
            Expect.sequenceEqual (x.ToInt32Array()) [| 1; 9; 3; 4; 9; 6 |] "written through the view"
            Expect.equal (string (x.T + 0.0)) "tensor([[1, 4],\n        [9, 9],\n        [3, 6]], dtype=torch.int32)" "repr of a transposed int32"

        testCase "creation with dtype int32: zeros, ones, full, arange, ofNested cast" <| fun () ->
            Expect.equal (string (Creation.zeros [| 2 |] Dtype.Int32)) "tensor([0, 0], dtype=torch.int32)" "zeros"
            Expect.equal (string (Creation.full [| 2 |] 7.0 Dtype.Int32)) "tensor([7, 7], dtype=torch.int32)" "full"
            Expect.equal (string (RandomTensors.arange 0.0 4.0 1.0 Dtype.Int32)) "tensor([0, 1, 2, 3], dtype=torch.int32)" "arange"
            Expect.equal (Creation.ofInt32 [| 2 |] [| 5; -5 |]).Dtype Dtype.Int32 "ofInt32"

        testCase "randint as int32 draws PyTorch's values (torch.manual_seed(3); randint(0, 256, (8, 8), dtype=int32))" <| fun () ->
            let c = data.Value.GetProperty("reprs").EnumerateArray() |> Seq.find (fun c -> c.GetProperty("desc").GetString() = "randint 8x8")
            let g = Fluxion.Random.Generator(3UL)
            let r = (RandomTensors.randint g 0L 256L [| 8; 8 |]).Cast Dtype.Int32
            Expect.equal (string r) (c.GetProperty("repr").GetString()) "same draws as int64, int32 repr"

        testCase "safetensors and .pt round trips keep int32 (I32 / IntStorage)" <| fun () ->
            let x = i32 [| 2; 2 |] [| Int32.MinValue; -1; 0; Int32.MaxValue |]
            let dir = IO.Path.Combine(IO.Path.GetTempPath(), "fluxion-int32-" + string (Guid.NewGuid()))
            IO.Directory.CreateDirectory dir |> ignore
            try
                let d = Collections.Generic.Dictionary<string, Tensor>()
                d.["x"] <- x
                d.["col"] <- x.T.Select(0, 1)
                let st = IO.Path.Combine(dir, "a.safetensors")
                Fluxion.IO.Checkpoint.save st (box d)
                let sd = Fluxion.IO.Checkpoint.loadStateDict st
                Expect.equal sd.["x"].Dtype Dtype.Int32 "safetensors dtype"
                Expect.sequenceEqual (sd.["x"].ToInt32Array()) (x.ToInt32Array()) "safetensors values"
                Expect.sequenceEqual (sd.["col"].ToInt32Array()) [| -1; Int32.MaxValue |] "safetensors view values"
                let pt = IO.Path.Combine(dir, "a.pt")
                Fluxion.IO.Checkpoint.save pt (box d)
                let back = Fluxion.IO.Checkpoint.loadStateDict pt
                Expect.equal back.["x"].Dtype Dtype.Int32 ".pt dtype"
                Expect.sequenceEqual (back.["x"].ToInt32Array()) (x.ToInt32Array()) ".pt values"
                Expect.sequenceEqual (back.["col"].ToInt32Array()) [| -1; Int32.MaxValue |] ".pt view values"
            finally IO.Directory.Delete(dir, true)

        testCase "a .pt file saved by PyTorch 1.13 with int32 tensors loads (int32_state.pt)" <| fun () ->
            let sd = Fluxion.IO.Checkpoint.loadStateDict (TestData.path "int32_state.pt")
            Expect.equal (string sd.["img"]) "tensor([[ 0,  1,  2],\n        [-3, 40, 50]], dtype=torch.int32)" "img"
            Expect.equal (string sd.["col"]) "tensor([ 1, 40], dtype=torch.int32)" "a strided view of img"

        testCase "ops without int32 kernels name the op, the dtype and the fix" <| fun () ->
            let x = i32 [| 1; 1; 3 |] [| 1; 2; 3 |]
            let e = raises<NotSupportedException> (fun () -> Convolution.conv1d 1 0 1 1 x None x |> ignore) "conv1d refused"
            Expect.stringContains e.Message "conv1d is not supported for torch.int32 tensors" "names op and dtype"
            Expect.stringContains e.Message ".To(Dtype.Float32)" "names the fix"
            let e2 = raises<ArgumentException> (fun () -> x.RequiresGrad_() |> ignore) "no grad for ints"
            Expect.stringContains e2.Message "torch.int32" "names the dtype"
    ]
