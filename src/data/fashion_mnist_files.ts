// The four Fashion-MNIST idx files and the size and SHA-256 of their decompressed bytes, as published by the
// Fashion-MNIST project (zalandoresearch/fashion-mnist). Checked on every load so a run never trains on garbage.

export type Split = 'train' | 'test';

export type IdxFileName =
  | 'train-images-idx3-ubyte'
  | 'train-labels-idx1-ubyte'
  | 't10k-images-idx3-ubyte'
  | 't10k-labels-idx1-ubyte';

/** Size in bytes and lowercase hex SHA-256 of a file's decompressed contents. */
export interface FileDigest {
  readonly size: number;
  readonly sha256: string;
}

export type ExpectedDigests = Readonly<Record<IdxFileName, FileDigest>>;

export const FASHION_MNIST_DIGESTS: ExpectedDigests = {
  'train-images-idx3-ubyte': {
    size: 47040016,
    sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
  },
  'train-labels-idx1-ubyte': {
    size: 60008,
    sha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
  },
  't10k-images-idx3-ubyte': {
    size: 7840016,
    sha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
  },
  't10k-labels-idx1-ubyte': { size: 10008, sha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34' },
};

/** The images and labels file of each split ('test' is d2l's validation set). */
export const SPLIT_FILES: Readonly<Record<Split, { readonly images: IdxFileName; readonly labels: IdxFileName }>> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
export const NUM_CLASSES = 10;
