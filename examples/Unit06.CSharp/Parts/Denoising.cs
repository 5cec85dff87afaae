using Fluxion;
using Fluxion.Course;
using Fluxion.CSharp;
using Fluxion.Optim;

namespace Unit06;

/// <summary>Cells 22–30: a box filter denoises a sine; a Conv1d learns a low-pass filter from 1000 noisy pairs.</summary>
public static class Denoising
{
    /// <summary>The training tensors (B, 1, T) as cell 28 leaves them (shuffled 50 times), for cells 33–36.</summary>
    public static Tensor XTensor { get; private set; } = null!;
    public static Tensor YTensor { get; private set; } = null!;

    /// <summary>Cell 26's generate_sine_wave: frequency in [0, 8], phase in [0, 1], noise std in [0.2, 1].</summary>
    public static (double[] T, double[][] X, double[][] Y) GenerateSineWave(int lenSignal = 256, int numPairs = 1000)
    {
        var r = NumPy.Random;
        var t = NumPy.Linspace(0, 1, lenSignal);
        var xs = new double[numPairs][];
        var ys = new double[numPairs][];
        for (int n = 0; n < numPairs; n++)
        {
            double freq = r.Uniform(0, 8);
            double phase = r.Uniform(0, 1);
            double noiseStd = r.Uniform(0.2, 1.0);
            var y = t.Select(ti => Math.Sin(2 * Math.PI * (freq * ti - phase))).ToArray();
            var noise = r.Normal(0.0, noiseStd, lenSignal);
            xs[n] = y.Select((v, i) => v + noise[i]).ToArray();
            ys[n] = y;
        }
        return (t, xs, ys);
    }

    /// <summary>Cell 22's draws: the noisy sine of the box-filter example.</summary>
    private static (double[] T, double[] Clean, double[] Noisy) NoisySine()
    {
        int seqLen = 256;
        var t = NumPy.Linspace(0, 1, seqLen);
        var clean = t.Select(ti => Math.Sin(2 * Math.PI * ti)).ToArray();
        NumPy.Random.Seed(0);
        double noiseStd = 0.3;
        var noise = NumPy.Random.Normal(0.0, noiseStd, seqLen);
        return (t, clean, clean.Select((v, i) => v + noise[i]).ToArray());
    }

    private static double[] Wide(Tensor t) => t.Detach().Flatten().ToArray().Select(v => (double)v).ToArray();

    /// <summary>Replays the draws of cells 22–28 without training (for the parts after it run alone).</summary>
    public static void Replay()
    {
        NoisySine();
        var (_, x, y) = GenerateSineWave();
        Torch.ManualSeed(0);
        _ = new LearnableLowpass(kernelSize: 21);
        XTensor = Torch.Tensor(x).Unsqueeze(1);
        YTensor = Torch.Tensor(y).Unsqueeze(1);
        for (int epoch = 0; epoch < 50; epoch++)
        {
            var permutation = Torch.RandPerm(XTensor.Size(0));
            XTensor = XTensor.IndexSelect(0, permutation);
            YTensor = YTensor.IndexSelect(0, permutation);
        }
        GenerateSineWave(256, 7);
    }

    public static void Run(Notebook nb)
    {
        nb.Section("Example: denoising with a convolutional filter");
        var (t, xClean, xNoisy) = NoisySine();
        int kernelSize = 21;
        var kernel = Enumerable.Repeat(1.0 / kernelSize, kernelSize).ToArray();
        var xFiltered = NumPy.Convolve(xNoisy, kernel, mode: "same");
        nb.Show(() => SignalPlots.Denoise(t, xNoisy, xClean, xFiltered));

        var filter = new LowPassFilter(kernelSize: 21);
        var xNoisyTensor = Torch.Tensor(xNoisy).View(1, 1, -1);
        var xFilteredTensor = filter.Call(xNoisyTensor);
        nb.Show(() => SignalPlots.Denoise(t, xNoisy, xClean, Wide(xFilteredTensor)));

        nb.Section("Preparing training examples");
        var (tTrain, x, y) = GenerateSineWave();
        nb.Show(() => SignalPlots.PairsGrid("First 24 Training Pairs", 4, 6, tTrain, x, y));

        nb.Section("Training process");
        Torch.ManualSeed(0);
        var model = new LearnableLowpass(kernelSize: 21);
        var criterion = Nn.MSELoss();
        var optimizer = new SGD(model.Parameters(), lr: 0.01);
        var xTensor = Torch.Tensor(x).Unsqueeze(1);
        var yTensor = Torch.Tensor(y).Unsqueeze(1);
        int nEpochs = 50, batchSize = 32;
        int numSamples = xTensor.Size(0);
        int numBatches = numSamples / batchSize;
        var epochLosses = new double[nEpochs];
        using var progress = TrainingBar.Start("denoise: learnable low-pass", nEpochs);
        for (int epoch = 0; epoch < nEpochs; epoch++)
        {
            var permutation = Torch.RandPerm(numSamples);
            xTensor = xTensor.IndexSelect(0, permutation);
            yTensor = yTensor.IndexSelect(0, permutation);
            double epochLoss = 0.0;
            for (int i = 0; i < numBatches; i++)
            {
                int start = i * batchSize;
                var xBatch = xTensor.Slice(0, start, start + batchSize);
                var yBatch = yTensor.Slice(0, start, start + batchSize);
                var yPred = model.Call(xBatch);
                var loss = criterion.Invoke(yPred, yBatch);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                epochLoss += loss.Item();
            }
            epochLosses[epoch] = epochLoss / numBatches;
            progress.Report(epoch + 1, epochLosses[epoch]);
            if ((epoch + 1) % 10 == 0 || epoch == 0)
                nb.Print($"Epoch {epoch + 1,2}/{nEpochs} | Avg. Loss: {epochLoss / numBatches:F6}");
        }
        progress.Complete();
        XTensor = xTensor;
        YTensor = yTensor;
        // The course prints the averages only; the report also draws them.
        nb.Show(() => Plots.LossCurves(new[] { ("average loss per epoch (manual batches)", epochLosses) }));

        nb.Section("The learned filter and its effect on new data");
        var kernelWeights = Wide(model.Conv.Weight.Data);
        nb.Show(() => SignalPlots.KernelStem(kernelWeights));
        var (tTest, xTest, yTest) = GenerateSineWave(lenSignal: 256, numPairs: 7);
        var xTestTensor = Torch.Tensor(xTest).Unsqueeze(1);
        var yPredTest = model.Call(xTestTensor).Detach().Squeeze();
        var predRows = Enumerable.Range(0, 7).Select(i => Wide(yPredTest[i])).ToArray();
        int n = 6;
        nb.Show(() => SignalPlots.Denoise(tTest, xTest[n], yTest[n], predRows[n]));
        nb.Show(() => SignalPlots.PairsGrid("Six Further Examples", 2, 3, tTest, xTest, yTest, predRows));
    }
}
