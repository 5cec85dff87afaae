/// Fluxion.Data against torch 1.13 (tests/data/dataloader.json from tests/data/scripts/gen_dataloader.py):
/// shuffle order per epoch, generator positions after the loop, samplers with replacement, random_split.
module DataLoaderTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Data
open Fluxion.Random

let private vectors = lazy (TestData.json "dataloader.json")

let private ints (e: JsonElement) = [| for v in e.EnumerateArray() -> v.GetInt32() |]
let private epochsOf (e: JsonElement) = [| for ep in e.EnumerateArray() -> [| for b in ep.EnumerateArray() -> ints b |] |]

/// The next torch.empty((), dtype=int64).random_(generator) value: exposes the generator's position.
let private nextSeed (g: Generator) = string (int64 (g.Next64() &&& 0x7fffffffffffffffUL))

/// The exception f throws, of type 'E (fails the test otherwise).
let private thrown<'E when 'E :> exn> (f: unit -> unit) : 'E =
    try
        f ()
        failtestf "expected %s" typeof<'E>.Name
    with :? 'E as e -> e

/// Field k of item i.
let private cell (d: Dataset<Tensor[]>) (i: int) (k: int) : Tensor =
    let item = d[i]
    item[k]

let private arangeDataset (n: int) = TensorDataset(Fluxion.Ops.Creation.ofInt64 [| n |] (Array.init n int64))

let private runEpochs (loader: DataLoader<Tensor[]>) (epochs: int) =
    [| for _ in 1 .. epochs -> [| for b in loader -> b[0].ToInt64Array() |> Array.map int |] |]

type private Case =
    { Seed: int64; N: int; Batch: int; DropLast: bool; Explicit: bool; Shuffle: bool; Len: int
      Epochs: int[][][]; DefaultAfter: string; GeneratorAfter: string }

let private cases =
    lazy
        [ for c in vectors.Value.GetProperty("loader").EnumerateArray() ->
              { Seed = c.GetProperty("seed").GetInt64(); N = c.GetProperty("n").GetInt32()
                Batch = c.GetProperty("batch_size").GetInt32(); DropLast = c.GetProperty("drop_last").GetBoolean()
                Explicit = c.GetProperty("explicit").GetBoolean(); Shuffle = c.GetProperty("shuffle").GetBoolean()
                Len = c.GetProperty("len").GetInt32(); Epochs = epochsOf (c.GetProperty "epochs")
                DefaultAfter = c.GetProperty("default_after").GetString()
                GeneratorAfter = (match c.GetProperty("generator_after").ValueKind with
                                  | JsonValueKind.Null -> null
                                  | _ -> c.GetProperty("generator_after").GetString()) } ]

let private name (c: Case) =
    sprintf "seed %d n %d batch %d drop_last %b shuffle %b" c.Seed c.N c.Batch c.DropLast c.Shuffle

[<Tests>]
let dataTests =
    testList "Data" [
        testCase "DataLoader with generator=g: batches of three epochs, len and g's position equal torch 1.13's" <| fun () ->
            let explicitCases = cases.Value |> List.filter (fun c -> c.Explicit)
            Expect.isGreaterThan explicitCases.Length 50 "vector count"
            for c in explicitCases do
                let g = Generator(c.Seed)
                let loader = DataLoader<Tensor[]>(arangeDataset c.N, batchSize = c.Batch, shuffle = c.Shuffle, dropLast = c.DropLast, generator = g)
                Expect.equal loader.Count c.Len (name c + ": len")
                Expect.equal (runEpochs loader 3) c.Epochs (name c + ": batches")
                Expect.equal (nextSeed g) c.GeneratorAfter (name c + ": generator after")

        testCase "RandomSampler with replacement or num_samples draws torch 1.13's indices" <| fun () ->
            for c in vectors.Value.GetProperty("replacement").EnumerateArray() do
                let seed, n, num = c.GetProperty("seed").GetInt64(), c.GetProperty("n").GetInt32(), c.GetProperty("num_samples").GetInt32()
                let replacement = match c.TryGetProperty "replacement" with | true, r -> r.GetBoolean() | _ -> true
                let g = Generator(seed)
                let s = RandomSampler(n, replacement, Nullable num, g)
                let expected = [| for ep in c.GetProperty("epochs").EnumerateArray() -> ints ep |]
                let got = [| for _ in expected -> Array.ofSeq s |]
                let label = sprintf "seed %d n %d num_samples %d replacement %b" seed n num replacement
                Expect.equal got expected label
                Expect.equal s.Count num (label + ": len")
                Expect.equal (nextSeed g) (c.GetProperty("generator_after").GetString()) (label + ": generator after")

        testCase "SubsetRandomSampler sharing the loader's generator: batches and g's position equal torch 1.13's" <| fun () ->
            for c in vectors.Value.GetProperty("subset_sampler").EnumerateArray() do
                let seed = c.GetProperty("seed").GetInt64()
                let g = Generator(seed)
                let sampler = SubsetRandomSampler(ints (c.GetProperty "indices"), g)
                let loader = DataLoader<Tensor[]>(arangeDataset 30, batchSize = 3, sampler = sampler, generator = g)
                Expect.equal (runEpochs loader 2) (epochsOf (c.GetProperty "shared")) (sprintf "seed %d: batches" seed)
                Expect.equal (nextSeed g) (c.GetProperty("shared_after").GetString()) (sprintf "seed %d: generator after" seed)

        testCase "random_split with lengths and fractions gives torch 1.13's subsets" <| fun () ->
            for c in vectors.Value.GetProperty("split").EnumerateArray() do
                match c.TryGetProperty "default" with
                | true, _ -> ()
                | _ ->
                    let seed, n = c.GetProperty("seed").GetInt64(), c.GetProperty("n").GetInt32()
                    let g = Generator(seed)
                    let ds = arangeDataset n
                    let lengths = [| for l in c.GetProperty("lengths").EnumerateArray() -> l.GetDouble() |]
                    let parts =
                        if c.GetProperty("fractions").GetBoolean() then Data.RandomSplit(ds, lengths, g)
                        else Data.RandomSplit(ds, lengths |> Array.map int, g)
                    let expected = [| for p in c.GetProperty("indices").EnumerateArray() -> ints p |]
                    Expect.equal (parts |> Array.map (fun p -> p.Indices)) expected (sprintf "seed %d n %d %A" seed n lengths)
                    Expect.equal (parts |> Array.map (fun p -> p.Count)) (expected |> Array.map Array.length) "subset sizes"
                    // items of a subset are the dataset's rows at its indices
                    for p in parts do
                        for k in 0 .. p.Count - 1 do
                            Expect.equal ((cell p k 0).ToInt64Array()) [| int64 (p.Indices[k]) |] "subset item"
                    Expect.equal (nextSeed g) (c.GetProperty("generator_after").GetString()) "generator after"

        testCase "random_split rejects lengths that do not sum to the dataset's size (PyTorch's message)" <| fun () ->
            let ex = thrown<ArgumentException> (fun () -> Data.RandomSplit(arangeDataset 10, [| 3; 6 |], Generator(0L)) |> ignore)
            Expect.stringContains ex.Message "Sum of input lengths does not equal the length of the input dataset!" "message"
            let ex = thrown<ArgumentException> (fun () -> Data.RandomSplit(arangeDataset 10, [| 1.5; -0.5 |], Generator(0L)) |> ignore)
            Expect.stringContains ex.Message "Fraction at index 0 is not between 0 and 1" "fraction message"

        testCase "TensorDataset: rows of each tensor, PyTorch's size-mismatch message, negative indices" <| fun () ->
            let x = Tensor.ofArray [| 3; 2 |] [| 1.f; 2.f; 3.f; 4.f; 5.f; 6.f |]
            let y = Fluxion.Ops.Creation.ofInt64 [| 3 |] [| 7L; 8L; 9L |]
            let ds = TensorDataset(x, y)
            Expect.equal ds.Count 3 "len"
            Expect.equal ((cell ds 1 0).ToFloat32Array()) [| 3.f; 4.f |] "x row"
            Expect.equal ((cell ds -1 1).ToInt64Array()) [| 9L |] "y row from the end"
            Expect.equal ((cell ds 1 1).Shape) [||] "a row of a vector is 0-d"
            let msg = vectors.Value.GetProperty("size_mismatch").GetString()
            let ex = thrown<ArgumentException> (fun () -> TensorDataset(Tensor.zeros [| 3 |], Tensor.zeros [| 4 |]) |> ignore)
            Expect.stringContains ex.Message msg "PyTorch's message"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> ds[3] |> ignore) "index past the end"

        testCase "ConcatDataset and Subset index across parts as PyTorch's do" <| fun () ->
            let a, b = arangeDataset 3, TensorDataset(Fluxion.Ops.Creation.ofInt64 [| 2 |] [| 10L; 11L |])
            let c = ConcatDataset<Tensor[]>([ a :> Dataset<_>; b ])
            Expect.equal c.Count 5 "len"
            Expect.equal c.CumulativeSizes [| 3; 5 |] "cumulative sizes"
            Expect.equal [| for i in 0 .. 4 -> (cell c i 0).ToInt64Array() |> Array.head |] [| 0L; 1L; 2L; 10L; 11L |] "items"
            Expect.equal ((cell c -1 0).ToInt64Array()) [| 11L |] "negative index"
            let ex = thrown<ArgumentException> (fun () -> c[-6] |> ignore)
            Expect.stringContains ex.Message "absolute value of index should not exceed dataset length" "message"
            let s = Subset<Tensor[]>(c, [| 4; 0 |])
            Expect.equal [| for i in 0 .. 1 -> (cell s i 0).ToInt64Array() |> Array.head |] [| 11L; 0L |] "subset"

        testCase "default collate keeps the item type: struct and reference tuples, arrays, tensors" <| fun () ->
            let x = Tensor.ofArray [| 4; 2 |] (Array.init 8 float32)
            let pairs =
                { new Dataset<struct (Tensor * Tensor)>() with
                    member _.Count = 4
                    member _.Item with get i = struct (x.Select(0, i), x.Select(0, i) * Tensor.scalar 10.0) }
            let batches = [ for struct (xb, yb) in DataLoader<_>(pairs, batchSize = 3, generator = Generator(1L)) -> xb, yb ]
            Expect.equal (batches |> List.map (fun (xb, _) -> xb.Shape)) [ [| 3; 2 |]; [| 1; 2 |] ] "batch shapes"
            Expect.equal ((snd batches[1]).ToFloat32Array()) [| 60.f; 70.f |] "last batch targets"
            let triples =
                { new Dataset<Tensor * Tensor[]>() with
                    member _.Count = 4
                    member _.Item with get i = x.Select(0, i), [| x.Select(0, i); x.Select(0, 3 - i) |] }
            let xb, parts = Collate.defaultCollate [| triples[0]; triples[1] |]
            Expect.equal (xb.ToFloat32Array()) [| 0.f; 1.f; 2.f; 3.f |] "stacked first field"
            Expect.equal (parts[1].ToFloat32Array()) [| 6.f; 7.f; 4.f; 5.f |] "stacked array field"
            let ex = thrown<InvalidOperationException> (fun () -> Collate.defaultCollate [| struct (x, 1); struct (x, 2) |] |> ignore)
            Expect.stringContains ex.Message "Int32" "names the item type"

        testCase "Collate.toTensors turns numbers into int64, float64 and bool tensors as default_collate does" <| fun () ->
            let x = Tensor.ones [| 2 |]
            let got = Collate.toTensors [| struct (x, 1, 0.5, true); struct (x, 2, 1.5, false) |]
            Expect.equal (got |> Array.map (fun t -> t.Dtype)) [| Dtype.Float32; Dtype.Int64; Dtype.Float64; Dtype.Bool |] "dtypes"
            Expect.equal (got[0].Shape) [| 2; 2 |] "stacked tensors"
            Expect.equal (got[1].ToInt64Array()) [| 1L; 2L |] "ints"
            Expect.equal (got[2].ToDoubleArray()) [| 0.5; 1.5 |] "floats"
            let single = Collate.toTensors [| 3L; 4L; 5L |]
            Expect.equal (single |> Array.map (fun t -> t.ToInt64Array())) [| [| 3L; 4L; 5L |] |] "a number item gives one tensor"

        testCase "DataLoader rejects PyTorch's invalid option combinations with its messages" <| fun () ->
            let ds = arangeDataset 5
            let ex = thrown<ArgumentException> (fun () -> DataLoader<Tensor[]>(ds, shuffle = true, sampler = [ 0; 1 ]) |> ignore)
            Expect.stringContains ex.Message "sampler option is mutually exclusive with shuffle" "sampler"
            let ex = thrown<ArgumentException> (fun () -> DataLoader<Tensor[]>(ds, batchSize = 2, batchSampler = [ [| 0 |] ]) |> ignore)
            Expect.stringContains ex.Message "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last" "batch sampler"
            let ex = thrown<ArgumentException> (fun () -> DataLoader<Tensor[]>(ds, batchSize = 0) |> ignore)
            Expect.stringContains ex.Message "batch_size should be a positive integer value, but got batch_size=0" "batch size"
            let custom = DataLoader<Tensor[]>(ds, batchSampler = [ [| 4; 0 |]; [| 2 |] ], generator = Generator(0L))
            Expect.equal [ for b in custom -> b[0].ToInt64Array() ] [ [| 4L; 0L |]; [| 2L |] ] "batches from a batch sampler"

        testCase "DataLoader<'T, 'B> with a collate function; len of a loader whose batch sampler has no size" <| fun () ->
            let ds = arangeDataset 7
            let sums = DataLoader<Tensor[], int64>(ds, Func<Tensor[][], int64>(fun items -> items |> Array.sumBy (fun it -> it[0].ToInt64Array()[0])), batchSize = 3)
            Expect.equal sums.Count 3 "len"
            Expect.equal (List.ofSeq sums) [ 3L; 12L; 6L ] "one sum per batch"
            let lazyBatches = DataLoader<Tensor[]>(ds, batchSampler = seq { yield [| 1 |] }, generator = Generator(0L))
            let ex = thrown<InvalidOperationException> (fun () -> lazyBatches.Count |> ignore)
            Expect.stringContains ex.Message "has no len()" "message"

        testSequenced <| testList "default generator" [
            testCase "DataLoader without a generator: batches and the default generator's position equal torch 1.13's" <| fun () ->
                for c in cases.Value do
                    if c.Explicit then
                        // An explicit generator leaves the default one alone.
                        Generator.Default.ManualSeed(1000L + c.Seed) |> ignore
                        let loader = DataLoader<Tensor[]>(arangeDataset c.N, batchSize = c.Batch, shuffle = c.Shuffle, dropLast = c.DropLast, generator = Generator(c.Seed))
                        runEpochs loader 3 |> ignore
                    else
                        Generator.Default.ManualSeed(c.Seed) |> ignore
                        let loader = DataLoader<Tensor[]>(arangeDataset c.N, batchSize = c.Batch, shuffle = c.Shuffle, dropLast = c.DropLast)
                        Expect.equal loader.Count c.Len (name c + ": len")
                        Expect.equal (runEpochs loader 3) c.Epochs (name c + ": batches")
                    Expect.equal (nextSeed Generator.Default) c.DefaultAfter (name c + sprintf " explicit %b: default generator after" c.Explicit)

            testCase "SubsetRandomSampler without a generator permutes with the default generator after the base seed" <| fun () ->
                for c in vectors.Value.GetProperty("subset_sampler").EnumerateArray() do
                    let seed = c.GetProperty("seed").GetInt64()
                    Generator.Default.ManualSeed(seed) |> ignore
                    let loader = DataLoader<Tensor[]>(arangeDataset 30, batchSize = 4, sampler = SubsetRandomSampler(ints (c.GetProperty "indices"), null))
                    Expect.equal (runEpochs loader 2) (epochsOf (c.GetProperty "default")) (sprintf "seed %d: batches" seed)
                    Expect.equal (nextSeed Generator.Default) (c.GetProperty("default_after").GetString()) (sprintf "seed %d: default generator after" seed)

            testCase "random_split without a generator draws from the default generator" <| fun () ->
                for c in vectors.Value.GetProperty("split").EnumerateArray() do
                    match c.TryGetProperty "default" with
                    | true, _ ->
                        Generator.Default.ManualSeed(c.GetProperty("seed").GetInt64()) |> ignore
                        let parts = Data.RandomSplit(arangeDataset (c.GetProperty("n").GetInt32()), [| for l in c.GetProperty("lengths").EnumerateArray() -> l.GetInt32() |])
                        Expect.equal (parts |> Array.map (fun p -> p.Indices)) [| for p in c.GetProperty("indices").EnumerateArray() -> ints p |] "indices"
                        Expect.equal (nextSeed Generator.Default) (c.GetProperty("generator_after").GetString()) "default generator after"
                    | _ -> ()
        ]
    ]
