import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { KnowledgeController } from './knowledge.controller';
import { KnowledgeService } from './knowledge.service';

@Module({
  imports: [
    // Uploads are held in memory up to the configured cap; a larger file is refused with 413
    // while it streams in, before anything is stored.
    MulterModule.registerAsync({
      useFactory: (config: AppConfig) => ({
        limits: { fileSize: config.knowledge.maxFileBytes, files: 1, fields: 10, fieldSize: 10_000 },
      }),
      inject: [APP_CONFIG],
    }),
  ],
  controllers: [KnowledgeController],
  providers: [KnowledgeService],
  exports: [KnowledgeService],
})
export class KnowledgeModule {}
