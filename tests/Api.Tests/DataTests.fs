/// Datasets and DataLoaders through C#: the scenarios (tests/Api.Tests.CSharp/DataScenarios.cs) subclass Dataset
/// and iterate loaders as a C# user does; the results are checked against torch 1.13's vectors.
module DataTests

open System
open System.IO
open System.Text.Json
open Expecto
open Fluxion
open ApiScenarios

let private vectors =
    lazy (JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "dataloader.json"))).RootElement)

/// The torch case DataLoader(TensorDataset(arange(n)), batch_size, shuffle=True, generator=manual_seed(seed)).
let private torchCase (seed: int) (n: int) (batch: int) =
    vectors.Value.GetProperty("loader").EnumerateArray()
    |> Seq.find (fun c ->
        c.GetProperty("seed").GetInt32() = seed && c.GetProperty("n").GetInt32() = n && c.GetProperty("batch_size").GetInt32() = batch
        && c.GetProperty("explicit").GetBoolean() && c.GetProperty("shuffle").GetBoolean() && not (c.GetProperty("drop_last").GetBoolean()))

let private epochs (c: JsonElement) =
    [| for ep in c.GetProperty("epochs").EnumerateArray() ->
           [| for b in ep.EnumerateArray() -> [| for v in b.EnumerateArray() -> v.GetInt64() |] |] |]

[<Tests>]
let dataTests =
    testList "Api.Data" [
        testCase "a C# Dataset subclass through DataLoader<(Tensor X, Tensor Y)> shuffles as torch 1.13 does (seed 7, n 100, batch 32)" <| fun () ->
            let c = torchCase 7 100 32
            let struct (batches, targetsMatch, count, after) = DataScenarios.TypedEpochs(7L, 100, 32, 3)
            Expect.equal batches (epochs c) "batches of three epochs"
            Expect.isTrue targetsMatch "each y is its x times 10"
            Expect.equal count 4 "len(loader)"
            Expect.equal (string (int64 (after &&& 0x7fffffffffffffffUL))) (c.GetProperty("generator_after").GetString()) "generator after the loop"

        testCase "the tensor-array DataLoader over a TensorDataset deconstructs batches in torch's order (seed 42, n 33, batch 4)" <| fun () ->
            let c = torchCase 42 33 4
            Expect.equal (DataScenarios.TensorDatasetEpochs(42L, 33, 4, 3)) (epochs c) "batches of three epochs"

        testCase "integer labels from a C# dataset become int64 tensors, features stack (default_collate)" <| fun () ->
            let struct (dtypes, labels, shapes) = DataScenarios.Labels(7, 3)
            Expect.equal dtypes [| Dtype.Int64; Dtype.Int64; Dtype.Int64 |] "label dtypes"
            Expect.equal labels [| [| 0L; 1L; 2L |]; [| 3L; 4L; 5L |]; [| 6L |] |] "labels in order"
            Expect.equal shapes [| [| 3; 2 |]; [| 3; 2 |]; [| 1; 2 |] |] "feature shapes"

        testCase "Data.RandomSplit with fractions from C# equals torch's random_split (seed 42, n 30)" <| fun () ->
            // random_split(range(30), [0.3, 0.3, 0.4], generator=torch.Generator().manual_seed(42))
            Expect.equal (DataScenarios.Split(42L, 30))
                [| [| 12; 0; 6; 25; 8; 15; 10; 18; 16 |]; [| 23; 28; 26; 20; 7; 21; 22; 29; 13 |]
                   [| 14; 2; 4; 1; 9; 11; 17; 19; 27; 5; 24; 3 |] |] "indices"
    ]
