/// Core.Tests' backend-independent suites (linked source files) run unchanged on the Torch backend: the op
/// table's first- and second-order derivative checks, every layer's gradient check and PyTorch vectors, module
/// reprs and summaries, the 80 Himmelblau optimizer trajectories, the losses and the unit's golden trainings.
module CoreSuitesOnTorch

open Expecto
open Fluxion
open OnTorch

/// Exercise 2 compares exact float32 losses, which libtorch's sums round differently: TrainingOnTorch checks it instead.
let private exactEx2 = "exercise 2: the 4-layer ReLU network"

[<Tests>]
let tests =
    testList "Torch.Core" [
        onTorch (testCase "the wrapped suites create their tensors on the torch backend" <| fun () ->
            Expect.equal (Tensor.zeros [| 2 |]).Raw.Backend.Name "torch" "Tensor.zeros"
            Expect.equal (Tensor.ofArray [| 1 |] [| 1.0f |]).Raw.Backend.Name "torch" "Tensor.ofArray"
            Expect.equal ((Nn.Linear(2, 1)).Parameters().[0].Data.Raw.Backend.Name) "torch" "a module's parameters")
        onTorch OpTableTests.tests
        onTorch OpTableTests.castTests
        onTorch Nn.LayerTests.tests
        onTorch Nn.ModuleTests.tests
        onTorch OptimHimmelblauTests.tests
        onTorch OptimLossTests.tests
        onTorch (OptimTrainingTests.tests |> Test.filter "/" (fun path -> not ((String.concat "/" path).Contains exactEx2)))
    ]
