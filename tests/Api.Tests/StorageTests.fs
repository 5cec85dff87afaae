/// The course's Tensor Storage cells through C# (tests/Api.Tests.CSharp/StorageScenarios.cs) against PyTorch 1.13's
/// printout (tests/data/storage_cells_printed.txt, made by tests/data/scripts/gen_storage_cells.py), plus setters
/// and their errors.
module StorageTests

open System
open System.IO
open Expecto
open ApiScenarios

let private golden =
    lazy (
        let text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "storage_cells_printed.txt")).Replace("\r\n", "\n")
        text.Split("=== cell ", StringSplitOptions.RemoveEmptyEntries)
        |> Array.map (fun block ->
            let nl = block.IndexOf '\n'
            int (block.Substring(0, nl)), block.Substring(nl + 1))
        |> Map.ofArray)

let private cell (n: int) (printed: string) =
    testCase (sprintf "cell %d prints what PyTorch prints" n) <| fun () ->
        Expect.equal (printed.Replace("\r\n", "\n")) golden.Value.[n] (sprintf "cell %d" n)

let private has (what: string) (o: struct (string * string)) (typ: string) (message: string) =
    let struct (t, m) = o
    Expect.equal t typ (sprintf "%s: exception type (message: %s)" what m)
    Expect.equal m message (sprintf "%s: message" what)

[<Tests>]
let tests =
    testList "Api.Storage (C#)" [
        cell 8 (StorageScenarios.Cell8())
        cell 34 (StorageScenarios.Cell34())
        cell 36 (StorageScenarios.Cell36())
        cell 56 (StorageScenarios.Cell56())
        cell 59 (StorageScenarios.Cell59())
        cell 61 (StorageScenarios.Cell61())
        cell 63 (StorageScenarios.Cell63())

        testCase "setters write a column, a mask and through a transposed view" <| fun () ->
            let struct (column, masked, through, version) = StorageScenarios.Setters()
            // y = torch.zeros(2, 3); y[:, 0] = torch.tensor([5., 6.])
            Expect.equal column "tensor([[5., 0., 0.],\n        [6., 0., 0.]])" "column"
            // m = torch.arange(6).view(2, 3); m[m > 2] = 0
            Expect.equal masked "tensor([[0, 1, 2],\n        [0, 0, 0]])" "mask"
            // b = torch.arange(6).view(2, 3); t = b.T; t[1:] = -1
            Expect.equal through "tensor([[ 0, -1, -1],\n        [ 3, -1, -1]])" "through the transpose"
            Expect.equal version 1L "one write, one version bump on the shared counter"

        testCase "bad input gives PyTorch's messages" <| fun () ->
            let struct (view, basic, advanced, leaf) = StorageScenarios.BadInput()
            has "x.T.View(6)" view "ShapeException" "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead. (Parameter 'shape')"
            has "x[0, 0..2] = [1, 2, 3]" basic "ShapeException" "The expanded size of the tensor (2) must match the existing size (3) at non-singleton dimension 0.  Target sizes: [2].  Tensor sizes: [3] (Parameter 'value')"
            has "x[x > 2] = [1, 2, 3, 4]" advanced "ShapeException" "shape mismatch: value tensor of shape [4] cannot be broadcast to indexing result of shape [3] (Parameter 'value')"
            has "w[0] = 1 on a leaf" leaf "InvalidOperationException" "a view of a leaf Variable that requires grad is being used in an in-place operation."
    ]
