using Fluxion;
using Fluxion.Course;
using Fluxion.CSharp;
using Fluxion.Optim;

namespace Unit06;

/// <summary>Cells 33–36: the pairs as a Dataset, then mini-batches from a shuffling DataLoader.</summary>
public static class DataParts
{
    public static void Prepare() => Denoising.Replay();

    private static string Short(Tensor t) => NumpyPrint.Str(t.ToArray(), precision: 3, suppress: true);

    public static void Run(Notebook nb)
    {
        nb.Section("Working with datasets");
        var dataset = new SineWaveDataset(Denoising.XTensor, Denoising.YTensor);
        nb.Print($"Total number of samples: {dataset.Count}");
        var (xSample, ySample) = dataset[0];
        nb.Print($"x_sample shape: {xSample.Shape}");
        nb.Print($"y_sample shape: {ySample.Shape}");
        nb.Print($"First 5 values (input):  {Short(xSample[0].Slice(0, 0, 5))}");
        nb.Print($"First 5 values (target): {Short(ySample[0].Slice(0, 0, 5))}");
        for (int i = 0; i < 3; i++)
        {
            var (x, y) = dataset[i];
            nb.Print($"Sample {i}: x[0,:2]={Short(x[0].Slice(0, 0, 2))}, y[0,:2]={Short(y[0].Slice(0, 0, 2))}");
        }

        nb.Section("Working with data loaders");
        var dataloader = new DataLoader(dataset, batchSize: 32, shuffle: true);
        Torch.ManualSeed(0);
        var model = new LearnableLowpass(kernelSize: 21);
        var criterion = Nn.MSELoss();
        var optimizer = new SGD(model.Parameters(), lr: 0.01);
        int nEpochs = 50;
        var epochLosses = new double[nEpochs];
        using var progress = TrainingBar.Start("data: DataLoader", nEpochs);
        for (int epoch = 0; epoch < nEpochs; epoch++)
        {
            double epochLoss = 0.0;
            foreach (var (xBatch, yBatch) in dataloader)
            {
                var yPred = model.Call(xBatch);
                var loss = criterion.Invoke(yPred, yBatch);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                epochLoss += loss.Item();
            }
            epochLosses[epoch] = epochLoss / dataloader.Count;
            progress.Report(epoch + 1, epochLosses[epoch]);
            if ((epoch + 1) % 10 == 0 || epoch == 0)
                nb.Print($"Epoch {epoch + 1,2}/{nEpochs} | Avg. Loss: {epochLoss / dataloader.Count:F6}");
        }
        progress.Complete();
        nb.Show(() => Plots.LossCurves(new[] { ("average loss per epoch (DataLoader)", epochLosses) }));
    }
}
