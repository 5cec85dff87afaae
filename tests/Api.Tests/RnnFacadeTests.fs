/// The C# facade's nn.RNN (PyTorch's keywords in camelCase) and NumPy.DefaultRng against the same vectors as the
/// engine's tests (tests/data/rnn.json, tests/data/numpy_generator.json).
module RnnFacadeTests

open System
open System.IO
open System.Text.Json
open Expecto
open ApiScenarios

let private json (name: string) = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", name))).RootElement
let private hexes (e: JsonElement) =
    [| for h in e.GetProperty("hex").EnumerateArray() -> BitConverter.UInt32BitsToSingle(Convert.ToUInt32(h.GetString(), 16)) |]
let private bits (a: float32[]) = a |> Array.map BitConverter.SingleToUInt32Bits

[<Tests>]
let tests =
    testList "Api.RNN" [
        testCase "Nn.RNN(1, 8, numLayers: 2, batchFirst: true, bidirectional: true) matches PyTorch bit for bit" <| fun () ->
            let c = json("rnn.json").GetProperty("rnn").EnumerateArray() |> Seq.find (fun c -> c.GetProperty("name").GetString() = "tanh_2layer_bi_batch_first")
            let struct (repr, names, output, hn, shape) =
                RnnScenarios.BidirectionalBatchFirst(c.GetProperty("seed").GetInt64(), hexes (c.GetProperty "input"), hexes (c.GetProperty "h0"))
            Expect.equal repr "RNN(1, 8, num_layers=2, batch_first=True, bidirectional=True)" "repr"
            Expect.equal (List.ofSeq names) [ for p in c.GetProperty("params").EnumerateObject() -> p.Name ] "parameter names"
            Expect.equal shape [| 3; 6; 16 |] "output shape (N, L, D·H)"
            Expect.equal (bits output) (bits (hexes (c.GetProperty "output"))) "output"
            Expect.equal (bits hn) (bits (hexes (c.GetProperty "h_n"))) "h_n"
            Expect.equal (RnnScenarios.ReluRepr()) "RNN(3, 4, num_layers=3, bias=False, dropout=0.5)" "relu repr (nonlinearity not shown, as PyTorch)"

        testCase "NumPy.DefaultRng(0) draws the course's Unit 9 integers, choice and uniform" <| fun () ->
            let e = json("numpy_generator.json").GetProperty("unit09_like").[0]
            let struct (k, offset, centers, a) = RnnScenarios.Unit09Draws()
            Expect.equal k (e.GetProperty("K").GetInt64()) "K"
            Expect.equal offset (e.GetProperty("offset").GetInt64()) "offset"
            Expect.equal centers [| for v in e.GetProperty("centers").EnumerateArray() -> v.GetInt64() |] "centers"
            Expect.equal (BitConverter.DoubleToUInt64Bits a) (Convert.ToUInt64(e.GetProperty("A").GetString(), 16)) "A"
    ]
