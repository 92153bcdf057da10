public enum SluiceSpoolModule {}
